/**
 * `/node-ready`, the readiness of the `redis-enterprise-node` container, as
 * the running reconciler serves it: reconcilers in-process on the real API
 * server (admin credentials from the Secret the leader creates, node address
 * from the pod), REST API doubles, probed over HTTP on 127.0.0.1 as the
 * kubelet would. The check's own cases are in test/unit/reconciler/node-ready.test.ts.
 */
import * as https from 'node:https';
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { FleetNode, InProcessFleet } from './support/fleet';

async function nodeReady(node: FleetNode): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/node-ready`);
  return { status: res.status, text: (await res.text()).trim() };
}

/** What the kubelet's former probe did: an unauthenticated GET /v1/bootstrap on 9443. */
function unauthenticatedBootstrap(node: FleetNode): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(`${node.started.url}/v1/bootstrap`, { ca: node.started.caCertPem }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describeE2E('/node-ready served by the reconciler (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  it('is 503 until the node is in the cluster, 200 for a joined active node, 503 while its REST API does not serve', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-node-ready', {
      fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'cache', port: 12000 }] }),
    });
    // Two of the three pods get a reconciler: enough for "alone" and "joined".
    const [first, second] = fleet.nodes;
    // Pod 1 alone has no cluster to join: its node is not ready.
    await fleet.startReconciler(second, true);
    const alone = await nodeReady(second);
    expect(alone.status).toBe(503);

    await fleet.startReconciler(first, true);
    await fleet.until('both nodes in the cluster', () => first.double.cluster?.nodes().length === 2);
    await fleet.until('node-ready 200 on both', async () => (await nodeReady(first)).status === 200 && (await nodeReady(second)).status === 200);
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
});
