/** Defaults of the official Redis Enterprise operator 8.0.20-23, unless noted. */
export const DEFAULT_REDIS_ENTERPRISE_IMAGE = 'redislabs/redis:8.0.20-44.23';
/** Where this project publishes the reconciler image (lib/reconciler/Dockerfile). */
export const DEFAULT_RECONCILER_IMAGE = 'ghcr.io/cdk8s-redis-enterprise/reconciler:0.1.0';
export const DEFAULT_NODES = 3;
export { DEFAULT_UPGRADE_NODE_TIMEOUT_SECONDS } from '../contract/desired-state';
/** Ours: below a minute a normal restart would stop the roll. */
export const MIN_UPGRADE_NODE_TIMEOUT_SECONDS = 60;
export const DEFAULT_NODE_CPU = '2';
export const DEFAULT_NODE_MEMORY = '4Gi';
/** Ours: the reconciler watches a handful of objects and makes a few REST calls. */
export const DEFAULT_RECONCILER_CPU = '250m';
export const DEFAULT_RECONCILER_MEMORY = '256Mi';
export const DEFAULT_ADMIN_USERNAME = 'demo@redis.com';
/** One year: a node is never killed while it still holds data. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 31536000;
/**
 * With rack awareness: Redis Enterprise asks that no rack hold a majority of
 * the nodes ("avoid placing the majority of nodes in one availability zone";
 * three nodes in three distinct racks), which takes at least 3 racks.
 */
export const DEFAULT_MINIMUM_RACKS = 3;
/** Redis Enterprise needs this many times the node memory on its persistent volume. */
export const VOLUME_TO_MEMORY_RATIO = 5;
/**
 * Upper bound of `nodes`. Not a Redis Enterprise limit we could cite: a sanity
 * bound so that a typo (3000 for 3) fails validation instead of generating a
 * Role that lists thousands of pods.
 */
export const MAX_NODES = 99;
