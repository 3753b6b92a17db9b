/**
 * The reconciler under REST faults (busy, 5xx, dropped connections, lost
 * answers to writes that happened, timeouts), in-process on the real API
 * server. (The Active-Active CRDB test of the old fake-based suite is not
 * ported yet: on the real API server its cluster stayed Forming, join_cluster
 * ending in connect_error; see the branch report.)
 */
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { InProcessFleet } from './support/fleet';

const b64 = (s: string) => Buffer.from(s, 'base64').toString();

describeE2E('reconciler in-process under REST faults', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  it('converges through busy answers, 5xx, dropped connections and lost answers, creating each database once', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-faults', {
      fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'a', port: 12000 }, { name: 'b', port: 12001 }, { name: 'c', port: 12002 }] }),
    });
    const f = fleet.registry.faults;
    f.add({ kind: 'error', status: 503, method: 'GET', path: '/v1/bdbs', times: 3 });
    f.add({ kind: 'busy', method: 'POST', path: '/v1/bdbs', times: 2 });
    f.add({ kind: 'drop', method: 'GET', path: '/v1/nodes', times: 2 });
    // The write happens, its answer is lost: the next pass must find the database, not create a second one.
    f.add({ kind: 'error', status: 500, method: 'POST', path: '/v1/bdbs', times: 1, afterHandling: true });
    f.add({ kind: 'latency', latencyMs: 30, rate: 0.3 });
    await fleet.startAll();
    await fleet.until('converged', async () => {
      const s = await fleet.status();
      return s?.clusterState === 'Running' && !s.lastError && s.databases.filter((d: any) => d.status === 'active').length === 3;
    }, 120_000);
    const cluster = fleet.registry.clusters()[0];
    expect(cluster.bdbs.list().map((b) => b.config.name).sort()).toEqual(['a', 'b', 'c']);
    expect(cluster.bdbs.list().map((b) => b.config.port).sort()).toEqual([12000, 12001, 12002]);
    // The admin Secret holds the credentials the cluster was created with: it was not rewritten after the bootstrap.
    const admin = (await fleet.get('Secret', fleet.state.cluster.credentialsSecretName))!;
    expect(cluster.checkCredentials(b64(admin.data.username), b64(admin.data.password))).toBe(true);
  });

  it('survives a REST API that times out, without a hot loop', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-timeout', { fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'a', port: 12000 }] }) });
    await fleet.startAll();
    await fleet.until('converged', async () => (await fleet.status())?.databases[0]?.status === 'active');
    const leader = fleet.leaderNode()!;
    const rule = leader.double.faults.add({ kind: 'timeout', method: 'GET', path: '/v1/nodes' });
    const seen = () => leader.double.requestLog.entries({ method: 'GET', path: '/v1/nodes' }).length;
    const controller = leader.reconciler!.controller;
    const before = { requests: seen(), passes: controller.state.passes };
    controller.trigger('test');
    // Three passes fail on the timeout; each waits its backoff before the next.
    await fleet.until('three more passes', async () => controller.state.passes >= before.passes + 3);
    // A handful of attempts per pass, not a retry storm.
    const perPass = (seen() - before.requests) / (controller.state.passes - before.passes);
    expect(seen()).toBeGreaterThan(before.requests);
    expect(perPass).toBeLessThanOrEqual(3);
    rule.remove();
    await fleet.until('recovered', async () => { const s = await fleet.status(); return s?.clusterState === 'Running' && !s.lastError; }, 120_000);
  });
});
