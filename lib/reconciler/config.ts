/**
 * Reconciler configuration, read from the environment once at start-up.
 * Every variable is documented in README.md; the construct sets them.
 */

export interface ReconcilerConfig {
  podName: string;
  namespace: string;
  podIp: string;
  nodeName?: string;
  clusterName: string;
  apiUrl: string;
  apiCaFile?: string;
  desiredStateConfigMap: string;
  httpPort: number;
  httpHost: string;
  kubeconfig?: string;
  /** Rack id given directly (downward API), so that no cluster-scoped `nodes get` is needed. */
  rackId?: string;
  resyncSeconds: number;
  leaseName: string;
  leaseDurationSeconds: number;
  restTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Bound on a /prestop drain (and on the maintenance_off after a restart). */
  prestopTimeoutMs: number;
  /** After SIGTERM, how long to keep serving for a /prestop that has not arrived yet. */
  shutdownPrestopWaitMs: number;
}

export const DEFAULT_HTTP_PORT = 8090;
export const DEFAULT_API_URL = 'https://localhost:9443';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One line per variable, printed by `--help` and mirrored in README.md. */
export const ENVIRONMENT_HELP: ReadonlyArray<[string, string]> = [
  ['POD_NAME', 'required; this pod (downward API metadata.name); also the leader-election identity'],
  ['POD_NAMESPACE', 'required; namespace of the cluster (downward API metadata.namespace)'],
  ['POD_IP', 'required; this pod\'s IP (downward API status.podIP): the Redis Enterprise node address'],
  ['NODE_NAME', 'the Kubernetes node (downward API spec.nodeName); read for the rack id when rack awareness is on and RACK_ID is unset'],
  ['CLUSTER_NAME', 'required; the RedisEnterpriseCluster name <rec>'],
  ['REDIS_ENTERPRISE_API_URL', `REST API of this pod's node (default ${DEFAULT_API_URL})`],
  ['REDIS_ENTERPRISE_API_CA_FILE', 'PEM CA bundle that signs the REST API certificate; unset: verification is skipped for loopback URLs only'],
  ['DESIRED_STATE_CONFIGMAP', 'ConfigMap with the desired-state document (default <CLUSTER_NAME>-desired-state)'],
  ['RECONCILER_HTTP_PORT', `port of /metrics, /healthz, /readyz (default ${DEFAULT_HTTP_PORT})`],
  ['RECONCILER_HTTP_HOST', 'listen address of that server (default 0.0.0.0)'],
  ['RACK_ID', 'rack id of this node, when the construct can pass it without reading the Node object'],
  ['RESYNC_SECONDS', 'full reconcile at least this often, watches or not (default 60)'],
  ['LEASE_NAME', 'coordination.k8s.io Lease for the cluster duties (default <CLUSTER_NAME>-leader, the desired state\'s leaderLeaseName)'],
  ['LEASE_DURATION_SECONDS', 'Lease duration; renewed every third of it (default 15)'],
  ['REST_TIMEOUT_MS', 'timeout of one REST API request (default 10000)'],
  ['LOG_LEVEL', 'debug | info | warn | error (default info)'],
  ['PRESTOP_TIMEOUT_SECONDS', 'bound on /prestop: how long maintenance_on is followed before answering anyway (default 600); also bounds the maintenance_off after a restart'],
  ['SHUTDOWN_PRESTOP_WAIT_SECONDS', 'after SIGTERM, keep serving this long for the node container\'s /prestop when it has not arrived yet (default 3; 0 = exit at once)'],
  ['KUBECONFIG', 'kubeconfig file (tests); unset: in-cluster service account'],
];

function required(env: NodeJS.ProcessEnv, name: string, problems: string[]): string {
  const value = env[name];
  if (!value) problems.push(`${name} is required`);
  return value ?? '';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return n;
}

/** Reads the configuration; reports every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv): ReconcilerConfig {
  const problems: string[] = [];
  const clusterName = required(env, 'CLUSTER_NAME', problems);
  const podName = required(env, 'POD_NAME', problems);
  const namespace = required(env, 'POD_NAMESPACE', problems);
  const podIp = required(env, 'POD_IP', problems);
  const apiUrl = env.REDIS_ENTERPRISE_API_URL || DEFAULT_API_URL;
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') problems.push('REDIS_ENTERPRISE_API_URL must be an http(s) URL');
  } catch {
    problems.push(`REDIS_ENTERPRISE_API_URL is not a URL: ${JSON.stringify(apiUrl)}`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as ReconcilerConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push('LOG_LEVEL must be debug, info, warn or error');
  const config: ReconcilerConfig = {
    podName,
    namespace,
    podIp,
    nodeName: env.NODE_NAME || undefined,
    clusterName,
    apiUrl,
    apiCaFile: env.REDIS_ENTERPRISE_API_CA_FILE || undefined,
    desiredStateConfigMap: env.DESIRED_STATE_CONFIGMAP || `${clusterName}-desired-state`,
    httpPort: integer(env, 'RECONCILER_HTTP_PORT', DEFAULT_HTTP_PORT, 0, 65535, problems),
    httpHost: env.RECONCILER_HTTP_HOST || '0.0.0.0',
    kubeconfig: env.KUBECONFIG || undefined,
    rackId: env.RACK_ID || undefined,
    resyncSeconds: integer(env, 'RESYNC_SECONDS', 60, 1, 86400, problems),
    leaseName: env.LEASE_NAME || `${clusterName}-leader`,
    leaseDurationSeconds: integer(env, 'LEASE_DURATION_SECONDS', 15, 3, 3600, problems),
    restTimeoutMs: integer(env, 'REST_TIMEOUT_MS', 10000, 100, 600000, problems),
    logLevel,
    prestopTimeoutMs: integer(env, 'PRESTOP_TIMEOUT_SECONDS', 600, 1, 31_536_000, problems) * 1000,
    shutdownPrestopWaitMs: integer(env, 'SHUTDOWN_PRESTOP_WAIT_SECONDS', 3, 0, 600, problems) * 1000,
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

/** The pod's StatefulSet ordinal (`<rec>-<n>`), or undefined for another naming. */
export function podOrdinal(podName: string, clusterName: string): number | undefined {
  const prefix = `${clusterName}-`;
  if (!podName.startsWith(prefix)) return undefined;
  const rest = podName.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}
