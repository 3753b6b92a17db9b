/**
 * Where the Kubernetes API is and how to authenticate to it: the pod's
 * service account (in-cluster) or a kubeconfig file (tests, running outside
 * a cluster). Only what the reconciler needs: a server URL, a CA, and either
 * a bearer token or a client certificate. No exec/auth-provider plugins.
 *
 * Tokens are read from their file again every {@link TOKEN_REREAD_MS} and
 * after a 401: a projected service account token is rotated by the kubelet
 * (about hourly), so the one read at start-up expires.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { SERVICE_ACCOUNT_DIR } from '../../contract/sidecar';

/** The standard mount of the pod's service account token, CA and namespace (the construct mounts it there). */
export { SERVICE_ACCOUNT_DIR };
export const TOKEN_REREAD_MS = 60_000;

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

/** A bearer token, read from a file (re-read periodically) or given inline (never changes). */
export class TokenSource {
  private value?: string;
  private readAt = 0;

  private constructor(private readonly file?: string, inline?: string, private readonly now: () => number = Date.now) {
    this.value = inline;
  }

  static fromFile(file: string, now?: () => number): TokenSource {
    const t = new TokenSource(file, undefined, now);
    t.current(); // fail at start-up, not at the first request
    return t;
  }

  static inline(token: string): TokenSource {
    return new TokenSource(undefined, token);
  }

  /** The token to send; re-read from its file when older than a minute. */
  current(): string {
    if (this.file && (this.value === undefined || this.now() - this.readAt >= TOKEN_REREAD_MS)) {
      let text: string;
      try {
        text = fs.readFileSync(this.file, 'utf8');
      } catch (e) {
        // A rotation replaces the file atomically; keep the last token if it briefly cannot be read.
        if (this.value !== undefined) return this.value;
        throw new KubeConfigError(`cannot read the token file ${this.file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
      this.value = text.trim();
      this.readAt = this.now();
    }
    return this.value!;
  }

  /** After a 401: read the file again at the next request. */
  invalidate(): void {
    this.readAt = 0;
  }
}

export interface KubeConnection {
  /** e.g. https://10.96.0.1:443 */
  server: URL;
  /** PEM bundle that signs the API server's certificate; undefined: the system's roots. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: TokenSource;
  /** Only when the kubeconfig says so. */
  insecureSkipTlsVerify?: boolean;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The pod's service account: `KUBERNETES_SERVICE_HOST`/`_PORT` and
 * `token` + `ca.crt` in `dir` (default {@link SERVICE_ACCOUNT_DIR}).
 */
export function inClusterConnection(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KubeConfigError('not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset (set KUBECONFIG to run outside one)');
  }
  const caFile = path.join(dir, 'ca.crt');
  let ca: Buffer;
  try {
    ca = fs.readFileSync(caFile);
  } catch (e) {
    throw new KubeConfigError(`cannot read the service account CA ${caFile}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return { server: new URL(`https://${hostForUrl(host)}:${port}`), ca, token: TokenSource.fromFile(path.join(dir, 'token')) };
}

interface Named<T> { name: string; [key: string]: unknown; value?: T }

/** A kubeconfig's `-data` (base64) or file form of one PEM, file paths relative to the kubeconfig. */
function pem(entry: Record<string, unknown>, key: string, base: string, what: string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  const file = entry[key];
  if (typeof file !== 'string' || !file) return undefined;
  const full = path.resolve(base, file);
  try {
    return fs.readFileSync(full);
  } catch (e) {
    throw new KubeConfigError(`kubeconfig ${what}: cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

function find(doc: Record<string, unknown>, list: 'clusters' | 'users' | 'contexts', name: unknown, file: string): Record<string, unknown> {
  const entries = (Array.isArray(doc[list]) ? doc[list] : []) as Array<Named<unknown>>;
  const entry = entries.find((e) => e && e.name === name);
  const inner = entry?.[list.slice(0, -1)];
  if (!inner || typeof inner !== 'object') throw new KubeConfigError(`kubeconfig ${file}: no ${list.slice(0, -1)} named ${JSON.stringify(name)}`);
  return inner as Record<string, unknown>;
}

/** The current context of a kubeconfig file: its cluster's server and CA, its user's certificate or token. */
export function kubeconfigConnection(file: string): KubeConnection {
  let doc: Record<string, unknown>;
  try {
    doc = yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new KubeConfigError(`cannot read kubeconfig ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object') throw new KubeConfigError(`kubeconfig ${file} is not a YAML mapping`);
  const current = doc['current-context'];
  if (typeof current !== 'string' || !current) throw new KubeConfigError(`kubeconfig ${file} has no current-context`);
  const context = find(doc, 'contexts', current, file);
  const cluster = find(doc, 'clusters', context.cluster, file);
  const user = context.user === undefined ? {} : find(doc, 'users', context.user, file);
  const base = path.dirname(path.resolve(file));
  if (typeof cluster.server !== 'string') throw new KubeConfigError(`kubeconfig ${file}: cluster ${JSON.stringify(context.cluster)} has no server`);
  const server = new URL(cluster.server);
  if (server.protocol !== 'https:') throw new KubeConfigError(`kubeconfig ${file}: server ${server.origin} is not https`);
  let token: TokenSource | undefined;
  if (typeof user.token === 'string' && user.token) token = TokenSource.inline(user.token);
  else if (typeof user.tokenFile === 'string' && user.tokenFile) token = TokenSource.fromFile(path.resolve(base, user.tokenFile));
  return {
    server,
    ca: pem(cluster, 'certificate-authority', base, 'certificate-authority'),
    cert: pem(user, 'client-certificate', base, 'client-certificate'),
    key: pem(user, 'client-key', base, 'client-key'),
    token,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** A kubeconfig file when given, else the in-cluster service account. */
export function loadKubeConnection(kubeconfig: string | undefined, env: NodeJS.ProcessEnv, serviceAccountDir?: string): KubeConnection {
  return kubeconfig ? kubeconfigConnection(kubeconfig) : inClusterConnection(env, serviceAccountDir);
}
