import { Construct } from 'constructs';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  DESIRED_STATE_KEY, DESIRED_STATE_SCHEMA_VERSION, DesiredActiveActiveDatabase, DesiredCluster,
  DesiredDatabase, DesiredExternalAccess, DesiredRemoteCluster, DesiredState, serializeDesiredState,
} from '../desired-state';
import { ClusterSpec } from './cluster-spec';
import { clusterObjectMeta } from './metadata';
import { PERSISTENT_PATH } from './node-pod';

/** What constructs attached to a cluster (databases, Active-Active) add to its document. */
export interface DesiredStateParts {
  readonly databases?: DesiredDatabase[];
  readonly remoteClusters?: DesiredRemoteCluster[];
  readonly activeActiveDatabases?: DesiredActiveActiveDatabase[];
  readonly externalAccess?: DesiredExternalAccess;
}

export type DesiredStateContributor = () => DesiredStateParts;

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The document for one cluster. Lists are sorted by name so the output is deterministic. */
export function buildDesiredState(spec: ClusterSpec, contributors: DesiredStateContributor[]): DesiredState {
  const parts = contributors.map((c) => c());
  const externalAccess = parts.find((p) => p.externalAccess)?.externalAccess;
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
    leaderLeaseName: spec.names.leaderLease,
    ...(externalAccess ? { externalAccess } : {}),
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

/** The ConfigMap `<rec>-desired-state`; its content is computed at synth time. */
export function addDesiredStateConfigMap(scope: Construct, spec: ClusterSpec, contributors: DesiredStateContributor[]): void {
  new k8s.KubeConfigMap(scope, 'DesiredState', {
    metadata: clusterObjectMeta(spec, spec.names.desiredStateConfigMap),
    data: {
      [DESIRED_STATE_KEY]: Lazy.any({ produce: () => serializeDesiredState(buildDesiredState(spec, contributors)) }) as unknown as string,
    },
  });
}
