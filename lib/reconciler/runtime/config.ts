/**
 * Reconciler configuration, read from the environment once at start-up.
 * Every variable is documented in README.md; the construct sets them.
 */
import { LOCAL_REST_API_URL, RECONCILER_PORT, SIDECAR_ENV } from '../../contract/sidecar';
import { clusterObjectNames } from '../../contract/names';

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
  /** How long a database accepts both its previous and its new password after its Secret changed. */
  databasePasswordGraceMs: number;
}

export const DEFAULT_HTTP_PORT = RECONCILER_PORT;
export const DEFAULT_API_URL = LOCAL_REST_API_URL;
const E = SIDECAR_ENV;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One line per variable, printed by `--help` and mirrored in README.md. */
export const ENVIRONMENT_HELP: ReadonlyArray<[string, string]> = [
  [E.podName, 'required; this pod (downward API metadata.name); also the leader-election identity'],
  [E.namespace, 'required; namespace of the cluster (downward API metadata.namespace)'],
  [E.podIp, 'required; this pod\'s IP (downward API status.podIP): the Redis Enterprise node address'],
  [E.nodeName, 'the Kubernetes node (downward API spec.nodeName); read for the rack id when rack awareness is on and RACK_ID is unset'],
  [E.clusterName, 'required; the RedisEnterpriseCluster name <rec>'],
  [E.apiUrl, `REST API of this pod's node (default ${DEFAULT_API_URL})`],
  [E.apiCaFile, 'PEM CA bundle that signs the REST API certificate (chain and hostname verified); unset: the loopback REST API\'s certificate is pinned (the api certificate Secret, the one the status records installed, or the first one seen by this process)'],
  [E.desiredStateConfigMap, 'ConfigMap with the desired-state document (default <CLUSTER_NAME>-desired-state)'],
  [E.httpPort, `port of /metrics, /healthz, /readyz (default ${DEFAULT_HTTP_PORT})`],
  [E.httpHost, 'listen address of that server (default 0.0.0.0)'],
  [E.rackId, 'rack id of this node, when the construct can pass it without reading the Node object'],
  [E.resyncSeconds, 'full reconcile at least this often, watches or not (default 60)'],
  [E.leaseName, 'coordination.k8s.io Lease for the cluster duties (default <CLUSTER_NAME>-leader)'],
  [E.leaseDurationSeconds, 'Lease duration; renewed every third of it (default 15)'],
  [E.restTimeoutMs, 'timeout of one REST API request (default 10000)'],
  [E.logLevel, 'debug | info | warn | error (default info)'],
  [E.databasePasswordGraceSeconds, 'after a database password Secret changed, the previous password stays valid this long beside the new one, for clients to pick up the Secret (default 120; 0 replaces at once)'],
  [E.prestopTimeoutSeconds, 'bound on /prestop: how long maintenance_on is followed before answering anyway (default 600); also bounds the maintenance_off after a restart'],
  [E.shutdownPrestopWaitSeconds, 'after SIGTERM, keep serving this long for the node container\'s /prestop when it has not arrived yet (default 3; 0 = exit at once)'],
  [E.kubeconfig, 'kubeconfig file (tests); unset: in-cluster service account'],
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
  const clusterName = required(env, E.clusterName, problems);
  const podName = required(env, E.podName, problems);
  const namespace = required(env, E.namespace, problems);
  const podIp = required(env, E.podIp, problems);
  const apiUrl = env[E.apiUrl] || DEFAULT_API_URL;
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') problems.push('REDIS_ENTERPRISE_API_URL must be an http(s) URL');
  } catch {
    problems.push(`REDIS_ENTERPRISE_API_URL is not a URL: ${JSON.stringify(apiUrl)}`);
  }
  const logLevel = (env[E.logLevel] || 'info') as ReconcilerConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push('LOG_LEVEL must be debug, info, warn or error');
  const config: ReconcilerConfig = {
    podName,
    namespace,
    podIp,
    nodeName: env[E.nodeName] || undefined,
    clusterName,
    apiUrl,
    apiCaFile: env[E.apiCaFile] || undefined,
    desiredStateConfigMap: env[E.desiredStateConfigMap] || clusterObjectNames(clusterName, namespace).desiredStateConfigMap,
    httpPort: integer(env, E.httpPort, DEFAULT_HTTP_PORT, 0, 65535, problems),
    httpHost: env[E.httpHost] || '0.0.0.0',
    kubeconfig: env[E.kubeconfig] || undefined,
    rackId: env[E.rackId] || undefined,
    resyncSeconds: integer(env, E.resyncSeconds, 60, 1, 86400, problems),
    leaseName: env[E.leaseName] || clusterObjectNames(clusterName, namespace).leaderLease,
    leaseDurationSeconds: integer(env, E.leaseDurationSeconds, 15, 3, 3600, problems),
    restTimeoutMs: integer(env, E.restTimeoutMs, 10000, 100, 600000, problems),
    logLevel,
    prestopTimeoutMs: integer(env, E.prestopTimeoutSeconds, 600, 1, 31_536_000, problems) * 1000,
    shutdownPrestopWaitMs: integer(env, E.shutdownPrestopWaitSeconds, 3, 0, 600, problems) * 1000,
    databasePasswordGraceMs: integer(env, E.databasePasswordGraceSeconds, 120, 0, 86400, problems) * 1000,
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
