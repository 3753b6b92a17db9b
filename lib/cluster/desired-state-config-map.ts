import { Construct } from 'constructs';
import { ApiObject, Lazy } from 'cdk8s';
import {
  DESIRED_STATE_KEY, DESIRED_STATE_SCHEMA_VERSION, DesiredCluster, DesiredExternalAccess, DesiredState, serializeDesiredState,
} from '../contract/desired-state';
import { AttachedDatabase } from './attached-database';
import { ClusterSpec } from './cluster-spec';
import { clusterObjectMeta } from './metadata';
import { claimTemplateSizes } from './statefulset';
import { FLASH_PATH, PERSISTENT_PATH } from './node-pod';
import { DesiredCertificates, DesiredLdap } from '../contract/desired-state';
import { LdapProtocol } from './security-props';
import { formatRedisSoftwareVersion, imageRedisSoftwareVersion } from '../contract/redis-software';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The document for one cluster. Lists are sorted by name so the output is deterministic. */
export function buildDesiredState(spec: ClusterSpec, databases: readonly AttachedDatabase[]): DesiredState {
  const parts = databases.map((db) => db.desiredState());
  const access = spec.externalAccess;
  const externalAccess: DesiredExternalAccess | undefined = access && {
    method: access.method, apiFqdn: access.apiFqdn, dbFqdnSuffix: access.dbFqdnSuffix, port: 443,
  };
  const version = imageRedisSoftwareVersion(spec.image);
  const cluster: DesiredCluster = {
    name: spec.name,
    namespace: spec.namespace,
    fqdn: `${spec.name}.${spec.namespace}.svc.cluster.local`,
    nodes: spec.nodes,
    adminUsername: spec.adminUsername,
    credentialsSecretName: spec.credentialsSecretName,
    ...(spec.licenseSecretName ? { licenseSecretName: spec.licenseSecretName } : {}),
    ...(spec.rackAwarenessNodeLabel ? { rackAwarenessNodeLabel: spec.rackAwarenessNodeLabel } : {}),
    nodeMemoryBytes: spec.nodeMemoryBytes ?? 0,
    persistentPath: PERSISTENT_PATH,
    statusConfigMapName: spec.names.statusConfigMap,
    ...(externalAccess ? { externalAccess } : {}),
    ...(spec.certificates ? { certificates: desiredCertificates(spec) } : {}),
    ...(spec.ldap ? { ldap: desiredLdap(spec) } : {}),
    ...(spec.internodeEncryption !== undefined ? { dataInternodeEncryption: spec.internodeEncryption } : {}),
    ...(spec.autoTiering ? { flashPath: FLASH_PATH } : {}),
    volumeClaims: claimTemplateSizes(spec).map(({ name, size }) => ({ template: name, size })),
    ...(spec.recoveryGeneration ? { recoveryGeneration: spec.recoveryGeneration } : {}),
    image: spec.image,
    ...(version ? { redisEnterpriseVersion: formatRedisSoftwareVersion(version) } : {}),
    upgradeNodeTimeoutSeconds: spec.upgradeNodeTimeoutSeconds,
  };
  const unique = <T extends { name: string }>(items: T[]) =>
    [...new Map(items.map((i) => [i.name, i])).values()].sort(byName);
  return {
    schemaVersion: DESIRED_STATE_SCHEMA_VERSION,
    cluster,
    databases: parts.flatMap((p) => p.databases ?? []).sort(byName),
    remoteClusters: unique(parts.flatMap((p) => p.remoteClusters ?? [])),
    activeActiveDatabases: parts.flatMap((p) => p.activeActiveDatabases ?? []).sort(byName),
  };
}

function desiredCertificates(spec: ClusterSpec): DesiredCertificates {
  const c = spec.certificates ?? {};
  const entries: Array<[keyof DesiredCertificates, string | undefined]> = [
    ['api', c.apiCertificateSecretName], ['proxy', c.proxyCertificateSecretName], ['syncer', c.syncerCertificateSecretName],
    ['cm', c.uiCertificateSecretName], ['metricsExporter', c.metricsCertificateSecretName],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function desiredLdap(spec: ClusterSpec): DesiredLdap {
  const l = spec.ldap!;
  const defaultPort = l.protocol === LdapProtocol.LDAPS ? 636 : 389;
  return {
    protocol: l.protocol,
    servers: (l.servers ?? []).map((s) => ({ host: s.host, port: s.port ?? defaultPort })),
    bindCredentialsSecretName: l.bindCredentialsSecretName,
    ...(l.caCertificateSecretName ? { caCertificateSecretName: l.caCertificateSecretName } : {}),
    authenticationQueryTemplate: l.authenticationQueryTemplate,
    authorizationAttribute: l.authorizationAttribute,
    enabledForControlPlane: l.enabledForControlPlane ?? true,
    enabledForDataPlane: l.enabledForDataPlane ?? false,
  };
}

/**
 * The ConfigMap `<rec>-desired-state`; its content is computed at synth time,
 * when every database is attached. A plain ApiObject (no typed-props
 * conversion at each synthesis; the YAML is the same).
 */
export function addDesiredStateConfigMap(scope: Construct, spec: ClusterSpec, databases: readonly AttachedDatabase[]): void {
  new ApiObject(scope, 'DesiredState', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: clusterObjectMeta(spec, spec.names.desiredStateConfigMap),
    data: {
      [DESIRED_STATE_KEY]: Lazy.any({ produce: () => serializeDesiredState(buildDesiredState(spec, databases)) }) as unknown as string,
    },
  });
}
