/**
 * How the construct configures the reconciler sidecar and how the pod talks
 * to it: environment variable names, HTTP paths and the REST API address.
 * The construct writes these into the pod template; the reconciler reads
 * them. Both import this module, so a rename cannot drift.
 */
import { RECONCILER_PORT, REST_API_PORT } from './ports';

/** Environment variables of the `reconciler` container. */
export const SIDECAR_ENV = {
  podName: 'POD_NAME',
  namespace: 'POD_NAMESPACE',
  podIp: 'POD_IP',
  nodeName: 'NODE_NAME',
  clusterName: 'CLUSTER_NAME',
  apiUrl: 'REDIS_ENTERPRISE_API_URL',
  apiCaFile: 'REDIS_ENTERPRISE_API_CA_FILE',
  desiredStateConfigMap: 'DESIRED_STATE_CONFIGMAP',
  httpPort: 'RECONCILER_HTTP_PORT',
  httpHost: 'RECONCILER_HTTP_HOST',
  rackId: 'RACK_ID',
  rackAwarenessNodeLabel: 'RACK_AWARENESS_NODE_LABEL',
  resyncSeconds: 'RESYNC_SECONDS',
  leaseName: 'LEASE_NAME',
  leaseDurationSeconds: 'LEASE_DURATION_SECONDS',
  restTimeoutMs: 'REST_TIMEOUT_MS',
  logLevel: 'LOG_LEVEL',
  prestopTimeoutSeconds: 'PRESTOP_TIMEOUT_SECONDS',
  shutdownPrestopWaitSeconds: 'SHUTDOWN_PRESTOP_WAIT_SECONDS',
  databasePasswordGraceSeconds: 'DATABASE_PASSWORD_GRACE_SECONDS',
  kubeconfig: 'KUBECONFIG',
} as const;

/** HTTP paths the sidecar serves on {@link RECONCILER_PORT}. */
export const SIDECAR_PATHS = {
  /** Liveness: the process serves and no reconcile pass is wedged. */
  healthz: '/healthz',
  /** Readiness: the desired state was read and this pod's node is in the cluster. */
  readyz: '/readyz',
  /**
   * Readiness of the `redis-enterprise-node` container: this pod's node
   * answers an authenticated REST check (the kubelet's own probe cannot
   * authenticate).
   */
  nodeReady: '/node-ready',
  /** Prometheus metrics. */
  metrics: '/metrics',
  /** The node container's preStop hook: drain this node before it stops. */
  prestop: '/prestop',
} as const;

export { RECONCILER_PORT };

/**
 * Where the `reconciler` container (alone) finds its ServiceAccount token, the
 * cluster CA (`ca.crt`) and its namespace: the standard in-cluster path.
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The REST API of the pod's own Redis Enterprise node. */
export const LOCAL_REST_API_URL = `https://localhost:${REST_API_PORT}`;
