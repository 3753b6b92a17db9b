/** Label keys and values shared by the objects the reconciler writes or selects. */

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'redis-enterprise-reconciler';
export const LABEL_APP = 'app';
export const LABEL_CLUSTER = 'redis.io/cluster';
export const LABEL_ROLE = 'redis.io/role';
export const LABEL_ROLE_MASTER = 'redis.io/role-master';

/** Selects this cluster's Redis Enterprise node pods (labels follow the official operator). */
export function nodePodSelector(cluster: string): string {
  return `${LABEL_APP}=redis-enterprise,${LABEL_CLUSTER}=${cluster},${LABEL_ROLE}=node`;
}

/** Selects the EndpointSlices this reconciler owns for this cluster. */
export function ownedSliceSelector(cluster: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE},${LABEL_CLUSTER}=${cluster}`;
}

export function commonLabels(cluster: string): Record<string, string> {
  return { [LABEL_APP]: 'redis-enterprise', [LABEL_CLUSTER]: cluster };
}
