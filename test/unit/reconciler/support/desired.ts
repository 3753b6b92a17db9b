/** Desired-state fixtures for reconciler tests (built with the contract's own types). */
import {
  DESIRED_STATE_KEY, DESIRED_STATE_SCHEMA_VERSION, DesiredDatabase, DesiredState, serializeDesiredState,
} from '../../../../lib/contract/desired-state';
import { ConfigMap } from '../../../../lib/reconciler/io/kube-types';

export const MiB = 1024 * 1024;

export function database(name: string, port: number, overrides: Partial<DesiredDatabase> = {}): DesiredDatabase {
  return {
    name,
    type: 'redis',
    memorySizeBytes: 100 * MiB,
    port,
    shardCount: 1,
    replication: false,
    persistence: 'disabled',
    evictionPolicy: 'volatile-lru',
    tlsMode: 'disabled',
    clientCertificateSecretNames: [],
    modules: [],
    passwordSecretName: `redb-${name}`,
    proxyPolicy: 'single',
    ossCluster: false,
    rolesPermissions: [],
    alertSettings: [],
    deletionPolicy: 'retain',
    serviceName: name,
    headlessServiceName: `${name}-headless`,
    ...overrides,
  };
}

export function desiredState(cluster: string, namespace: string, nodes: number, databases: DesiredDatabase[]): DesiredState {
  return {
    schemaVersion: DESIRED_STATE_SCHEMA_VERSION,
    cluster: {
      name: cluster,
      namespace,
      fqdn: `${cluster}.${namespace}.svc.cluster.local`,
      nodes,
      adminUsername: 'admin@example.com',
      credentialsSecretName: cluster,
      nodeMemoryBytes: 4 * 1024 * MiB,
      persistentPath: '/var/opt/redislabs/persist',
      statusConfigMapName: `${cluster}-status`,
    },
    databases,
    remoteClusters: [],
    activeActiveDatabases: [],
  };
}

export function desiredStateConfigMap(state: DesiredState): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${state.cluster.name}-desired-state`, namespace: state.cluster.namespace },
    data: { [DESIRED_STATE_KEY]: serializeDesiredState(state) },
  };
}
