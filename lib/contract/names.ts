/**
 * Every object name derived from the cluster name. Explicit and stable (no
 * construct-path hashes), following the official operator where it has a name.
 */
export interface ClusterObjectNames {
  /** StatefulSet, ServiceAccount, Role, RoleBinding, PodDisruptionBudget and REST API Service. */
  readonly cluster: string;
  readonly uiService: string;
  readonly metricsService: string;
  /** Headless Service that governs the StatefulSet (stable pod DNS names). */
  readonly nodesService: string;
  readonly desiredStateConfigMap: string;
  /** Written by the reconciler. */
  readonly statusConfigMap: string;
  /** Lease the reconcilers elect their leader with. */
  readonly leaderLease: string;
  /** Cluster-scoped node reader, only emitted when the rack id is read from the Node API. */
  readonly nodeReaderClusterRole: string;
}

export function clusterObjectNames(name: string, namespace: string): ClusterObjectNames {
  return {
    cluster: name,
    uiService: `${name}-ui`,
    metricsService: `${name}-prom`,
    nodesService: `${name}-nodes`,
    desiredStateConfigMap: `${name}-desired-state`,
    statusConfigMap: `${name}-status`,
    leaderLease: `${name}-leader`,
    nodeReaderClusterRole: `redis-enterprise-${namespace}-${name}-node-reader`,
  };
}

/** The claim template name; PVCs are `redis-enterprise-storage-<rec>-<ordinal>`. */
export const STORAGE_VOLUME_NAME = 'redis-enterprise-storage';

/** Claim template of the Auto Tiering flash volume; PVCs are `redis-enterprise-flash-<rec>-<ordinal>`. */
export const FLASH_VOLUME_NAME = 'redis-enterprise-flash';

/** The PVC the StatefulSet controller creates from claim template `template` for pod `<rec>-<ordinal>`. */
export function claimName(template: string, clusterName: string, ordinal: number): string {
  return `${template}-${clusterName}-${ordinal}`;
}

/** Container names, kept from the operator so log collectors keep working. */
export const NODE_CONTAINER_NAME = 'redis-enterprise-node';
export const RECONCILER_CONTAINER_NAME = 'reconciler';
