/** Labels of the official operator; log collectors and dashboards select on them. */
export const APP_LABEL = 'app';
export const APP_LABEL_VALUE = 'redis-enterprise';
export const CLUSTER_LABEL = 'redis.io/cluster';
export const ROLE_LABEL = 'redis.io/role';
export const ROLE_NODE = 'node';
/** Set by the reconciler on the pod of the Redis Enterprise master node. */
export const ROLE_MASTER_LABEL = 'redis.io/role-master';
export const SERVICE_LABEL = 'redis.io/service';

/** Labels every object of a cluster carries. */
export function clusterLabels(cluster: string): { [key: string]: string } {
  return { [APP_LABEL]: APP_LABEL_VALUE, [CLUSTER_LABEL]: cluster };
}

/** Labels that select the cluster's node pods (immutable: part of the StatefulSet selector). */
export function nodeSelectorLabels(cluster: string): { [key: string]: string } {
  return { ...clusterLabels(cluster), [ROLE_LABEL]: ROLE_NODE };
}

/** Labels the library owns; extraLabels may not override them (REC012). */
export const RESERVED_LABELS = [APP_LABEL, CLUSTER_LABEL, ROLE_LABEL, ROLE_MASTER_LABEL, SERVICE_LABEL];

/** Selects this cluster's Redis Enterprise node pods. */
export function nodePodSelector(cluster: string): string {
  return Object.entries(nodeSelectorLabels(cluster)).map(([k, v]) => `${k}=${v}`).join(',');
}

/** Standard EndpointSlice labels: the Service a slice belongs to, and who manages it. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const SLICE_MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of the slices the reconciler owns (the EndpointSlice controller leaves them alone). */
export const SLICE_MANAGER = 'redis-enterprise-reconciler';

/** Selects the EndpointSlices the reconciler owns for this cluster. */
export function ownedSliceSelector(cluster: string): string {
  return `${SLICE_MANAGED_BY_LABEL}=${SLICE_MANAGER},${CLUSTER_LABEL}=${cluster}`;
}
