/**
 * The check behind `/node-ready` (the readiness of the `redis-enterprise-node`
 * container), against REST API doubles only: the reconciler's own REST client
 * with the admin credentials, nodes bootstrapped through the REST API as the
 * reconciler would. Nothing of Kubernetes is involved; the endpoint served by
 * running reconcilers is covered by test/e2e/reconciler-in-process/node-ready.test.ts.
 */
import * as https from 'node:https';
import { ReClient } from '../../../lib/reconciler/io/re-client';
import { NodeReadiness } from '../../../lib/reconciler/runtime/node-readiness';
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';

const ADMIN = { username: 'admin@example.com', password: 'node-ready-pass' };
const CLUSTER = 'rec.redis.svc.cluster.local';

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What the kubelet's former probe did: an unauthenticated GET /v1/bootstrap on 9443. */
function unauthenticatedBootstrap(started: StartedApiDouble): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(`${started.url}/v1/bootstrap`, { ca: started.caCertPem }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('the /node-ready check against REST API doubles', () => {
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 10, actionMs: 10 } });
  const doubles: RedisEnterpriseApiDouble[] = [];
  const clients: ReClient[] = [];

  /** A started double (its node address `addr`) and the reconciler's REST client for it. */
  async function node(addr: string): Promise<{ double: RedisEnterpriseApiDouble; started: StartedApiDouble; re: ReClient }> {
    const double = new RedisEnterpriseApiDouble({ registry, addr });
    doubles.push(double);
    const started = await double.start();
    const re = new ReClient({ baseUrl: started.url, credentials: () => ADMIN, ca: started.caCertPem, timeoutMs: 5000 });
    clients.push(re);
    return { double, started, re };
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const d of doubles.splice(0)) await d.dispose();
  });

  it('is not ready until the node is in the cluster, ready for a joined active node, not ready while its REST API fails or is down', async () => {
    const first = await node('10.0.0.1');
    const second = await node('10.0.0.2');
    const readinessOf = (n: { re: ReClient; double: RedisEnterpriseApiDouble }) => new NodeReadiness({ re: n.re, podIp: n.double.addr, hasCredentials: () => true });
    const [one, two] = [readinessOf(first), readinessOf(second)];
    expect(await two.check()).toEqual({ ok: false, detail: 'this node is not in a cluster' });

    await first.re.bootstrap({ action: 'create_cluster', cluster: { name: CLUSTER }, node: { identity: { addr: first.double.addr } }, credentials: ADMIN });
    await until('the cluster created', () => first.double.bootstrapState === 'completed');
    expect(await one.check()).toEqual({ ok: true, detail: `node ${first.double.nodeUid} is active` });
    expect(await two.check()).toEqual({ ok: false, detail: 'this node is not in a cluster' });

    await second.re.bootstrap({ action: 'join_cluster', cluster: { name: CLUSTER, nodes: [first.double.addr] }, node: { identity: { addr: second.double.addr } }, credentials: ADMIN });
    await until('the second node joined', () => second.double.bootstrapState === 'completed');
    expect(await two.check()).toEqual({ ok: true, detail: `node ${second.double.nodeUid} is active` });
    expect(second.double.nodeUid).not.toBe(first.double.nodeUid);
    // The old probe fails on the same healthy node: the documented auth requirement after joining.
    expect(await unauthenticatedBootstrap(first.started)).toBe(401);

    const fault = second.double.faults.add({ kind: 'error', status: 503 });
    expect(await two.check()).toEqual({ ok: false, detail: expect.stringContaining('HTTP 503') });
    expect((await one.check()).ok).toBe(true);
    fault.remove();
    expect((await two.check()).ok).toBe(true);

    await second.double.stop();
    expect(await two.check()).toMatchObject({ ok: false });
    expect((await one.check()).ok).toBe(true);
    await second.double.start();
    expect((await two.check()).ok).toBe(true);
  });

  it('answers within its deadline when the REST API hangs, and does not stack a second check on a hung one', async () => {
    const n = await node('10.0.0.1');
    const hang = n.double.faults.add({ kind: 'timeout' });
    const readiness = new NodeReadiness({ re: n.re, podIp: n.double.addr, hasCredentials: () => true, deadlineMs: 50 });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the REST API did not answer within 50 ms' });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the previous check of the REST API has not answered yet' });
    expect(hang.fired).toBe(1);
  });

  it('is not ready without the admin credentials, without asking the REST API', async () => {
    const n = await node('10.0.0.1');
    const readiness = new NodeReadiness({ re: n.re, podIp: n.double.addr, hasCredentials: () => false });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'admin credentials not read yet' });
    expect(n.double.requestLog.entries()).toEqual([]);
  });
});
