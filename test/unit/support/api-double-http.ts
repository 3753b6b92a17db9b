/**
 * HTTPS calls to the REST API test double for its unit tests (127.0.0.1
 * only, trusting the double's self-signed certificate through `ca`), and a
 * cluster formed on a manual clock.
 */
import { request as httpsRequest } from 'node:https';
import { ApiDoubleClusterRegistry, ManualClock, RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';

export const ADMIN = { username: 'admin@example.com', password: 'S3cret-pass-for-tests' };
export const MIB = 1024 * 1024;

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  body?: unknown;
  auth?: { username: string; password: string } | null;
  timeoutMs?: number;
  ca?: string | null;
}

/** One HTTPS request to a started double; resolves with the status and parsed JSON body. */
export function call(target: StartedApiDouble, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const auth = opts.auth === undefined ? ADMIN : opts.auth;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: target.port, method, path,
      ca: opts.ca === null ? undefined : opts.ca ?? target.caCertPem,
      agent: false,
      headers: {
        Accept: 'application/json',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        ...(auth ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {}),
      },
      timeout: opts.timeoutMs ?? 5000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers });
      });
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export interface Node {
  double: RedisEnterpriseApiDouble;
  api: StartedApiDouble;
}

export const running: RedisEnterpriseApiDouble[] = [];

export async function startNode(registry: ApiDoubleClusterRegistry, options: { addr?: string; totalMemoryBytes?: number } = {}): Promise<Node> {
  const double = new RedisEnterpriseApiDouble({ registry, ...options });
  running.push(double);
  return { double, api: await double.start() };
}

export function createBody(name: string, extra: Record<string, unknown> = {}, identity: Record<string, unknown> = {}) {
  return {
    action: 'create_cluster',
    cluster: { name, nodes: [] },
    node: { identity },
    credentials: ADMIN,
    ...extra,
  };
}

export function joinBody(addrs: string[], identity: Record<string, unknown> = {}, credentials = ADMIN) {
  return { action: 'join_cluster', cluster: { nodes: addrs }, node: { identity }, credentials };
}

/** Forms a cluster of `n` nodes with a manual clock (bootstrap takes 100 ms of clock time). */
export async function formCluster(n: number, opts: { rackIds?: string[]; name?: string; registry?: ApiDoubleClusterRegistry; clock?: ManualClock } = {}) {
  const clock = opts.clock ?? new ManualClock();
  const registry = opts.registry ?? new ApiDoubleClusterRegistry({ clock, timing: { bootstrapMs: 100, actionMs: 60, crdbTaskMs: 90, certificateMs: 0 } });
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) nodes.push(await startNode(registry));
  const rack = (i: number) => (opts.rackIds ? { rack_id: opts.rackIds[i] } : {});
  const extra = opts.rackIds ? { policy: { rack_aware: true } } : {};
  expect((await call(nodes[0].api, 'POST', '/v1/bootstrap/create_cluster', {
    auth: null, body: createBody(opts.name ?? 'rec.ns.svc.cluster.local', extra, { addr: nodes[0].double.addr, ...rack(0) }),
  })).status).toBe(200);
  clock.advance(100);
  for (let i = 1; i < n; i++) {
    expect((await call(nodes[i].api, 'POST', '/v1/bootstrap/join_cluster', {
      auth: null, body: joinBody([nodes[0].double.addr], { addr: nodes[i].double.addr, ...rack(i) }),
    })).status).toBe(200);
  }
  clock.advance(100);
  for (const node of nodes) expect(node.double.bootstrapState).toBe('completed');
  return { clock, registry, nodes, cluster: nodes[0].double.cluster! };
}

/** Polls `probe` until it gives a value: waits for an event, with a ceiling that only catches a hang. */
export async function eventually<T>(probe: () => T | undefined, ceilingMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + ceilingMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`nothing observed within the ${ceilingMs} ms ceiling`);
}
