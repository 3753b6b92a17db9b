/** Ports of the redis-enterprise-node container. */
export const DISCOVERY_PORT = 8001;
export const UI_PORT = 8443;
export const REST_API_PORT = 9443;
export const METRICS_PORT = 8070;
/** The reconciler's /healthz, /readyz, /metrics and /prestop. */
export const RECONCILER_PORT = 8090;
