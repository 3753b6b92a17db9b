/**
 * Regression: a sidecar's node duty must bootstrap with the credentials
 * snapshot its REST client authenticates with in the same pass. It used to
 * read the Secret again; when the leader created the Secret in between, the
 * node was bootstrapped with credentials the client did not have, and the
 * sidecar then polled the bootstrap status unauthenticated (401) until the
 * poll timed out, stuck for minutes.
 */
import { EventRecorder } from '../../../lib/reconciler/io/events';
import { Pod } from '../../../lib/reconciler/io/kube-types';
import { ReClient } from '../../../lib/reconciler/io/re-client';
import { runNodeDuty } from '../../../lib/reconciler/duties/node-duty';
import { DutyContext } from '../../../lib/reconciler/runtime/context';
import { silentLogger } from '../../../lib/reconciler/runtime/logger';
import { Metrics } from '../../../lib/reconciler/runtime/metrics';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { InProcessFleet } from './support/fleet';

describeE2E('node duty credentials (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterAll(async () => fleet?.stop());

  it('with no credentials snapshot it waits, even when the Secret now exists', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-node-duty', { fixture: (namespace) => synthesize({ namespace }) });
    const { state } = fleet;
    // The leader has just created the admin Secret; this pass's snapshot predates it.
    await fleet.putSecret(state.cluster.credentialsSecretName, { username: state.cluster.adminUsername, password: 's3cret-value' });
    const node = fleet.nodes[0];
    const config = fleet.config(node);
    const re = new ReClient({ baseUrl: node.started.url, credentials: () => undefined, ca: node.started.caCertPem, timeoutMs: 2000 });
    const ctx: DutyContext = {
      config, kube: node.kube, re, metrics: new Metrics(), log: silentLogger,
      events: new EventRecorder(node.kube, config.namespace, config.podName, silentLogger),
      poll: { intervalMs: 10, timeoutMs: 1000 },
      signal: new AbortController().signal,
    };
    // Its own pod, read through its own client as the ServiceAccount.
    const own: Pod[] = (await node.kube.listPods('')).items.filter((p) => p.metadata.name === node.podName);
    expect(own).toHaveLength(1);
    try {
      const result = await runNodeDuty(ctx, state, own, [], undefined);
      expect(result.bootstrapped).toBe(false);
      expect(result.decision.action).toBe('blocked');
    } finally {
      re.close();
    }
    // Nothing was sent to the node: it is still waiting for a bootstrap.
    expect(node.double.requestLog.entries().filter((e) => e.method === 'POST')).toEqual([]);
    expect(node.double.bootstrapState).toBe('idle');
  });
});
