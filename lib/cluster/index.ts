export * from './cluster';
export * from './cluster-props';
export { DEFAULT_REDIS_ENTERPRISE_IMAGE, DEFAULT_RECONCILER_IMAGE } from './defaults';
export * from './security-props';
