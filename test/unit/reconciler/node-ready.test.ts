/**
 * `/node-ready`, the readiness of the `redis-enterprise-node` container:
 * reconcilers in-process against the REST API double, probed over HTTP on
 * 127.0.0.1 as the kubelet would.
 */
import * as https from 'node:https';
import { ReApi } from '../../../lib/reconciler/io/re-api';
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { NodeReadiness } from '../../../lib/reconciler/runtime/node-readiness';
import { database, desiredState } from './support/desired';
import { Sim, SimNode } from './support/sim';

jest.setTimeout(60_000);

async function nodeReady(node: SimNode): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/node-ready`);
  return { status: res.status, text: (await res.text()).trim() };
}

/** What the kubelet's former probe did: an unauthenticated GET /v1/bootstrap on 9443. */
function unauthenticatedBootstrap(node: SimNode): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(`${node.started.url}/v1/bootstrap`, { ca: node.started.caCertPem }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('/node-ready', () => {
  let sim: Sim;
  afterEach(async () => { await sim?.stop(); });

  it('is 503 until the node is in the cluster, 200 for a joined active node, 503 while its REST API does not serve', async () => {
    sim = await Sim.create({ state: desiredState('rec', 'redis', 2, [database('cache', 12000)]) });
    const [first, second] = sim.nodes;
    // Pod 1 alone has no cluster to join: its node is not ready.
    await sim.startReconciler(second, true);
    const alone = await nodeReady(second);
    expect(alone.status).toBe(503);

    await sim.startReconciler(first, true);
    await sim.until('both nodes in the cluster', () => first.double.cluster?.nodes().length === 2);
    await sim.until('node-ready 200 on both', async () => (await nodeReady(first)).status === 200 && (await nodeReady(second)).status === 200);
    expect((await nodeReady(first)).text).toMatch(/^node \d+ is active$/);
    // The old probe fails on the same healthy node: the documented auth requirement after joining.
    expect(await unauthenticatedBootstrap(first)).toBe(401);

    const fault = second.double.faults.add({ kind: 'error', status: 503 });
    const failing = await nodeReady(second);
    expect(failing).toEqual({ status: 503, text: expect.stringContaining('HTTP 503') });
    expect((await nodeReady(first)).status).toBe(200);
    fault.remove();
    expect((await nodeReady(second)).status).toBe(200);
  });

  it('answers within its deadline when the REST API hangs, and does not stack a second check on a hung one', async () => {
    let calls = 0;
    const hanging = { getBootstrap: () => { calls++; return new Promise<never>(() => undefined); } } as unknown as ReApi;
    const readiness = new NodeReadiness({ re: hanging, podIp: '10.0.0.1', hasCredentials: () => true, deadlineMs: 50 });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the REST API did not answer within 50 ms' });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the previous check of the REST API has not answered yet' });
    expect(calls).toBe(1);
  });

  it('is not ready without the admin credentials, without asking the REST API', async () => {
    let calls = 0;
    const re = { getBootstrap: () => { calls++; return Promise.resolve({}); } } as unknown as ReApi;
    const readiness = new NodeReadiness({ re, podIp: '10.0.0.1', hasCredentials: () => false });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'admin credentials not read yet' });
    expect(calls).toBe(0);
  });
});
