/**
 * Regression: a sidecar's node duty must bootstrap with the credentials
 * snapshot its REST client authenticates with in the same pass. It used to
 * read the Secret again; when the leader created the Secret in between, the
 * node was bootstrapped with credentials the client did not have, and the
 * sidecar then polled the bootstrap status unauthenticated (401) until the
 * poll timed out, stuck for minutes.
 */
import { EventRecorder } from '../../../lib/reconciler/io/events';
import { Metrics } from '../../../lib/reconciler/runtime/metrics';
import { runNodeDuty } from '../../../lib/reconciler/duties/node-duty';
import { ReClient } from '../../../lib/reconciler/io/re-client';
import { silentLogger } from '../../../lib/reconciler/runtime/logger';
import { DutyContext } from '../../../lib/reconciler/runtime/context';
import { Secret } from '../../../lib/reconciler/io/kube-types';
import { desiredState } from './support/desired';
import { Sim } from './support/sim';

jest.setTimeout(30_000);

describe('node duty credentials', () => {
  let sim: Sim;
  afterEach(async () => sim?.stop());

  test('with no credentials snapshot it waits, even when the Secret now exists', async () => {
    const state = desiredState('rec', 'redis', 3, []);
    sim = await Sim.create({ state });
    // The leader has just created the admin Secret; this pass's snapshot predates it.
    sim.kube.put('secrets', {
      metadata: { name: state.cluster.credentialsSecretName },
      data: { username: Buffer.from('admin@example.com').toString('base64'), password: Buffer.from('s3cret-value').toString('base64') },
    } as Secret as never);
    const node = sim.nodes[0];
    const config = sim.config(node);
    const re = new ReClient({ baseUrl: node.started.url, credentials: () => undefined, ca: node.started.caCertPem, timeoutMs: 2000 });
    const metrics = new Metrics();
    const ctx: DutyContext = {
      config, kube: sim.kube, re, metrics, log: silentLogger,
      events: new EventRecorder(sim.kube, config.namespace, config.podName, silentLogger),
      poll: { intervalMs: 10, timeoutMs: 1000 },
      signal: new AbortController().signal,
    };
    const pods = [(sim.kube.get('pods', node.podName) as never)];
    const result = await runNodeDuty(ctx, state, pods, [], undefined);
    expect(result.bootstrapped).toBe(false);
    expect(result.decision.action).toBe('blocked');
    // Nothing was sent to the node: it is still waiting for a bootstrap.
    expect(node.double.requestLog.entries().filter((e) => e.method === 'POST')).toEqual([]);
    expect(node.double.bootstrapState).toBe('idle');
  });
});
