import { RedisEnterpriseCluster } from '../cluster/cluster';
import { isValidHost } from '../networking';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';

/**
 * The external hostname `<db><dbFqdnSuffix>` a database gets in `cluster`
 * when it is not a valid DNS name (REDB017); undefined when it is valid or
 * the cluster has no external access.
 */
export function invalidExternalHost(cluster: RedisEnterpriseCluster, databaseName: string): string | undefined {
  const host = cluster._databaseHost(databaseName);
  return host !== undefined && !isValidHost(host) ? host : undefined;
}

/**
 * Findings for a database that asks to be exposed: a valid external host, a
 * cluster with external access, and TLS on the database (passthrough routes
 * by SNI).
 */
export function validateExposure(cluster: RedisEnterpriseCluster, databaseName: string, tlsMode: string): Finding[] {
  const findings: Finding[] = [];
  const host = invalidExternalHost(cluster, databaseName);
  if (host !== undefined) {
    findings.push(finding('REDB017', 'name', `the database's external hostname "${host}" is not a valid DNS name (each label at most 63 characters, 253 in all)`));
  }
  if (!cluster.hasExternalAccess) {
    findings.push(finding('REDB013', 'externalAccess', `the database asks for external access but cluster ${cluster.node.path} has no externalAccess`));
  }
  if (tlsMode !== 'enabled') {
    findings.push(finding('REDB008', 'tlsMode', `external access goes through TLS passthrough routed by SNI, but tlsMode is ${tlsMode}`));
  }
  return findings;
}
