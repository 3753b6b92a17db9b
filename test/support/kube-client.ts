/**
 * A small HTTPS JSON client for the Kubernetes API, for tests.
 *
 * Why not `@kubernetes/client-node`: it is ESM-only and jest needs ~30 s to
 * transform it. The tests need a handful of calls, all of which are plain REST
 * with the kubeconfig's client certificate, so this file is all we need.
 *
 * Safety: the simulated cluster's node, pod and Service IPs are fake, so this
 * client refuses any server that is not on 127.0.0.0/8.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as yaml from 'js-yaml';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: any };
  [k: string]: any;
}

/** Raw answer of the API server: status code and parsed body (JSON when it was JSON). */
export interface KubeResponse<T = any> {
  status: number;
  body: T;
  /** `Warning:` headers (e.g. PodSecurity `warn` mode, deprecations), text only. */
  warnings: string[];
}

/** A warning the server sent, with the call that got it. */
export interface KubeWarning {
  method: string;
  path: string;
  text: string;
}

// `299 - "text"`; several warnings arrive comma-joined in one header value.
function parseWarnings(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(', ') : header ?? '';
  return [...raw.matchAll(/\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** A non-2xx answer, with the server's Status reason and message. */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: any,
  ) {
    super(`${method} ${path} -> ${status} ${body?.reason ?? ''}: ${body?.message ?? JSON.stringify(body)}`);
  }
}

interface ResourceInfo {
  /** Plural resource name, e.g. `statefulsets`. */
  name: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** Names an object without its body. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export class KubeClient {
  /** Reads a kubeconfig with embedded (or file-referenced) CA, client cert and key. */
  static fromKubeconfig(file: string): KubeClient {
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as any;
    const ctxName = doc['current-context'];
    const ctx = doc.contexts.find((c: any) => c.name === ctxName).context;
    const cluster = doc.clusters.find((c: any) => c.name === ctx.cluster).cluster;
    const user = doc.users.find((u: any) => u.name === ctx.user).user;
    const pem = (data: string | undefined, path: string | undefined): Buffer =>
      data ? Buffer.from(data, 'base64') : fs.readFileSync(path!);
    return new KubeClient(
      cluster.server,
      pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
      pem(user['client-certificate-data'], user['client-certificate']),
      pem(user['client-key-data'], user['client-key']),
    );
  }

  private readonly url: URL;
  private readonly agent: https.Agent;
  private readonly resources = new Map<string, Promise<Map<string, ResourceInfo>>>();
  /** Every warning the server sent to this client, oldest first; tests may inspect and clear it. */
  readonly warnings: KubeWarning[] = [];

  constructor(server: string, ca: Buffer, cert: Buffer, key: Buffer) {
    this.url = new URL(server);
    if (this.url.protocol !== 'https:' || !LOOPBACK.test(this.url.hostname)) {
      throw new Error(`kube-client only talks to https://127.x.x.x, not ${server}`);
    }
    // keepAlive: the suite makes thousands of small calls; new TLS handshakes would dominate on 2 cores.
    this.agent = new https.Agent({ ca, cert, key, keepAlive: true, maxSockets: 8 });
  }

  get server(): string {
    return this.url.origin;
  }

  /** Closes idle keep-alive sockets so that jest can exit. */
  close(): void {
    this.agent.destroy();
  }

  /** One HTTP call; never throws on a status code (see {@link call} for that). */
  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          timeout: 60_000,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON (e.g. /readyz says "ok") */
            }
            const warnings = parseWarnings(res.headers.warning);
            for (const text of warnings) this.warnings.push({ method, path, text });
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like {@link request}, but a non-2xx status is a {@link KubeApiError}. */
  async call<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (res.status < 200 || res.status > 299) throw new KubeApiError(method, path, res.status, res.body);
    return res.body as T;
  }

  /** kind -> plural and scope, from API discovery of one group/version (cached). */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let pending = this.resources.get(apiVersion);
    if (!pending) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      pending = this.call('GET', base).then((list: any) => {
        const byKind = new Map<string, ResourceInfo>();
        for (const r of list.resources) {
          if (!r.name.includes('/')) byKind.set(r.kind, { name: r.name, namespaced: r.namespaced });
        }
        return byKind;
      });
      pending.catch(() => this.resources.delete(apiVersion));
      this.resources.set(apiVersion, pending);
    }
    const info = (await pending).get(kind);
    if (!info) throw new Error(`the API server does not serve kind ${kind} in ${apiVersion}`);
    return info;
  }

  /** The URL path of a collection (name omitted) or of one object. */
  async pathFor(ref: { apiVersion: string; kind: string; namespace?: string; name?: string }): Promise<string> {
    const info = await this.resourceFor(ref.apiVersion, ref.kind);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    if (info.namespaced && !ref.namespace) throw new Error(`${ref.kind} is namespaced: give a namespace`);
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : '';
    const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
    return `${base}${ns}/${info.name}${name}`;
  }

  async get<T = KubeObject>(ref: ObjectRef): Promise<T> {
    return this.call('GET', await this.pathFor(ref));
  }

  /** GET that answers `undefined` for 404 instead of throwing. */
  async tryGet<T = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const path = await this.pathFor(ref);
    const res = await this.request('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new KubeApiError('GET', path, res.status, res.body);
    return res.body;
  }

  async list<T = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
    opts: ListOptions = {},
  ): Promise<T[]> {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const qs = q.toString() ? `?${q}` : '';
    const list = await this.call('GET', `${await this.pathFor({ apiVersion, kind, namespace })}${qs}`);
    return list.items as T[];
  }

  async create<T = KubeObject>(obj: KubeObject): Promise<T> {
    const path = await this.pathFor({ ...obj, namespace: obj.metadata.namespace });
    return this.call('POST', path, obj);
  }

  /** PATCH with a merge patch by default; pass `application/json-patch+json` etc. for others. */
  async patch<T = KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    contentType = 'application/merge-patch+json',
    subresource?: string,
  ): Promise<T> {
    const path = (await this.pathFor(ref)) + (subresource ? `/${subresource}` : '');
    return this.call('PATCH', path, patch, contentType);
  }

  /** DELETE; a missing object is not an error. */
  async delete(ref: ObjectRef, options: { gracePeriodSeconds?: number; propagationPolicy?: string } = {}): Promise<void> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...options };
    const res = await this.request('DELETE', await this.pathFor(ref), body);
    if (res.status === 404) return;
    if (res.status < 200 || res.status > 299) throw new KubeApiError('DELETE', ref.name, res.status, res.body);
  }

  /**
   * Server-side apply of each object, in order (forced, so a test can re-apply
   * after changing a field). Returns the live objects the server answered.
   * SSA is what Argo CD and `kubectl apply --server-side` do, so acceptance
   * here is the acceptance a user would see.
   */
  async apply(objects: KubeObject[], fieldManager = 'e2e-tests'): Promise<KubeObject[]> {
    const applied: KubeObject[] = [];
    for (const obj of objects) {
      const path = await this.pathFor({ ...obj, namespace: obj.metadata.namespace, name: obj.metadata.name });
      const q = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
      // JSON is valid YAML, and the apply-patch content type takes YAML.
      applied.push(await this.call('PATCH', path + q, obj, 'application/apply-patch+yaml'));
    }
    return applied;
  }

  /**
   * Asks for an eviction (policy/v1). Answers the raw response: 201 when
   * allowed, 429 when a PodDisruptionBudget refuses it.
   */
  async evict(namespace: string, pod: string): Promise<KubeResponse> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/eviction`;
    return this.request('POST', path, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: pod, namespace },
    });
  }

  /**
   * SubjectAccessReview: may `user` do `verb` on the resource? Group "" is
   * the core API group; leave `namespace` undefined for a cluster-scoped ask.
   */
  async canI(
    user: string,
    groups: string[],
    attrs: { verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string },
  ): Promise<{ allowed: boolean; reason?: string }> {
    const review = await this.call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, groups, resourceAttributes: attrs },
    });
    return { allowed: review.status?.allowed === true, reason: review.status?.reason };
  }

  /** Events of one namespace, optionally only those about one object (by name/kind). */
  async events(namespace: string, about?: { name?: string; kind?: string }): Promise<KubeObject[]> {
    const selectors: string[] = [];
    if (about?.name) selectors.push(`involvedObject.name=${about.name}`);
    if (about?.kind) selectors.push(`involvedObject.kind=${about.kind}`);
    return this.list('v1', 'Event', namespace, { fieldSelector: selectors.join(',') || undefined });
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it answers a value other than `undefined`/`false`, and
 * answers that value. On timeout, throws with `what` and the last thing seen
 * (the last value a probe reported via `observe`, or its last error), so a
 * failure says what state the cluster was stuck in.
 */
export async function waitFor<T>(
  what: string,
  probe: (observe: (state: unknown) => void) => Promise<T | undefined | false>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const intervalMs = opts.intervalMs ?? 500;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = '(nothing observed)';
  const observe = (state: unknown): void => {
    last = state;
  };
  for (;;) {
    try {
      const value = await probe(observe);
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = `error: ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) {
      const seen = typeof last === 'string' ? last : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last observed: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
