/**
 * Health that tells the truth when the cluster loses its quorum: with two of
 * its three Redis Enterprise nodes stopped (their REST API doubles, whose
 * cluster then answers only node reads, see the double's README "Quorum
 * loss"), the leader reports `QuorumLost` and the status ConfigMap's health
 * keys, which Argo CD's Lua check reads, say Degraded with how many nodes of
 * how many are down, on every pass until the nodes return; then Healthy.
 * In-process reconcilers on the real API server.
 */
import { STATUS_HEALTH_KEY, STATUS_HEALTH_MESSAGE_KEY } from '../../../lib/contract/status-health';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { InProcessFleet } from './support/fleet';

describeE2E('reconciler in-process: quorum loss', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  const health = async () => {
    const cm = await fleet.get('ConfigMap', fleet.state.cluster.statusConfigMapName);
    return { status: cm?.data?.[STATUS_HEALTH_KEY], message: cm?.data?.[STATUS_HEALTH_MESSAGE_KEY] };
  };

  it('is Degraded naming 2 of 3 nodes down while the quorum is lost, never Healthy meanwhile, and Healthy once the nodes return', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-quorum', {
      fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'cache', port: 12000 }] }),
    });
    await fleet.startAll();
    await fleet.until('Healthy', async () => (await health()).status === 'Healthy', 120_000);

    const leader = fleet.leaderNode()!;
    const others = fleet.nodes.filter((n) => n !== leader);
    for (const n of others) await n.double.stop();
    leader.reconciler!.controller.trigger('test: two nodes stopped');
    await fleet.until('Degraded', async () => (await health()).status === 'Degraded', 60_000);
    expect(await health()).toEqual({ status: 'Degraded', message: 'cluster lost quorum: 2 of 3 nodes down' });
    const lost = await fleet.status();
    expect(lost.clusterState).toBe('QuorumLost');
    expect(lost.nodes.map((n: any) => n.status).sort()).toEqual(['active', 'down', 'down']);
    // What the last good pass learned about the databases stays.
    expect(lost.databases.map((d: any) => [d.name, d.status])).toEqual([['cache', 'active']]);

    // Further passes (retries after the failure) keep saying so: no flapping to Healthy.
    const controller = leader.reconciler!.controller;
    const passes = controller.state.passes;
    const seen = new Set<string>();
    await fleet.until('two more passes', async () => {
      seen.add(`${(await health()).status}`);
      return controller.state.passes >= passes + 2;
    }, 120_000);
    seen.add(`${(await health()).status}`);
    expect([...seen]).toEqual(['Degraded']);

    for (const n of others) await n.double.start();
    await fleet.until('Healthy again', async () => (await health()).status === 'Healthy', 120_000);
    expect((await health()).message).toBe('cluster Running with 3 nodes, 1 database(s) active');
    expect((await fleet.status()).clusterState).toBe('Running');
  });
});
