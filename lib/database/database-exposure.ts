import { RedisEnterpriseCluster } from '../cluster/cluster';
import { isValidHost } from '../networking';
import { error, Finding } from '../validation/finding';

/**
 * Findings for a database that asks to be exposed: a valid external host, a
 * cluster with external access, and TLS on the database (passthrough routes
 * by SNI).
 */
export function validateExposure(cluster: RedisEnterpriseCluster, databaseName: string, tlsMode: string): Finding[] {
  const findings: Finding[] = [];
  const host = cluster._databaseHost(databaseName);
  if (host !== undefined && !isValidHost(host)) {
    findings.push(error('REDB017', 'name', `the database's external hostname "${host}" is not a valid DNS name (each label at most 63 characters, 253 in all)`,
      'shorten the database name or the cluster\'s dbFqdnSuffix'));
  }
  if (!cluster.hasExternalAccess) {
    findings.push(error('REDB013', 'externalAccess', `the database asks for external access but cluster ${cluster.node.path} has no externalAccess`,
      'configure externalAccess on the cluster, or remove externalAccess from the database'));
  }
  if (tlsMode !== 'enabled') {
    findings.push(error('REDB008', 'tlsMode', `external access goes through TLS passthrough routed by SNI, but tlsMode is ${tlsMode}`, 'set tlsMode to TlsMode.ENABLED'));
  }
  return findings;
}
