/**
 * Active-Active on the real API server: the example's two clusters, each in
 * its own namespace with its own reconcilers (in-process) and REST API
 * doubles, the doubles in one registry so each cluster's `/v1/crdbs` reaches
 * the other. The participant whose name sorts first (eu-west) creates the
 * CRDB with both instances; the other finds it. Each namespace gets the other
 * cluster's admin credentials as `redis-enterprise-<participant>`, as the
 * example's README asks of the user (an ExternalSecret, say).
 */
import { randomBytes } from 'node:crypto';
import { activeActiveApp } from '../../../examples/active-active';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { ApiDoubleClusterRegistry } from '../../support/redis-enterprise-api-double';
import { synthesizeApp } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { InProcessFleet } from './support/fleet';

const b64 = (s: string) => Buffer.from(s, 'base64').toString();
const CARTS_PASSWORD = 'shared-by-the-user';

describeE2E('Active-Active database of two clusters, reconciled in-process', ({ client, info }) => {
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20 } });
  const base = `rip-aa-${randomBytes(3).toString('hex')}`;
  const namespaces = { eastNamespace: `${base}-east`, westNamespace: `${base}-west` };
  const fleets: InProcessFleet[] = [];
  let east: InProcessFleet;
  let west: InProcessFleet;

  const fleetOf = (cluster: 'rec-east' | 'rec-west', namespace: string) => InProcessFleet.create(client, info, base, {
    namespace,
    sharedRegistry: registry,
    resyncSeconds: 2,
    fixture: () => synthesizeApp((app) => activeActiveApp(app, namespaces), cluster),
    before: () => [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'carts-password' }, stringData: { password: CARTS_PASSWORD } }],
  });
  const crdbStatus = async (f: InProcessFleet) => (await f.status())?.activeActiveDatabases?.[0];
  // Only the leader's passes look at the CRDB: the other sidecars' passes do node work only.
  const passes = (f: InProcessFleet) => {
    const leader = f.leaderNode()?.reconciler;
    return leader ? leader.metrics.get(M.reconciles, { result: 'success' }) : 0;
  };

  afterAll(async () => {
    for (const f of fleets) await f.stop();
  });

  it('forms both clusters, then each has the other\'s credentials Secret', async () => {
    east = await fleetOf('rec-east', namespaces.eastNamespace);
    fleets.push(east);
    west = await fleetOf('rec-west', namespaces.westNamespace);
    fleets.push(west);
    await east.startAll();
    await west.startAll();
    for (const f of [east, west]) {
      await f.until(`${f.ns} Running`, async () => (await f.status())?.clusterState === 'Running', 120_000);
    }
    expect(registry.clusters().map((c) => c.name).sort()).toEqual([
      `rec-east.${namespaces.eastNamespace}.svc.cluster.local`, `rec-west.${namespaces.westNamespace}.svc.cluster.local`,
    ]);
    // The non-creator only waits meanwhile.
    await east.until('east waits for the creator', async () => (await crdbStatus(east))?.status === 'waiting');
    expect(await crdbStatus(east)).toMatchObject({ name: 'carts', message: expect.stringContaining('waiting for the participant') });
    for (const [from, to, participant] of [[east, west, 'us-east'], [west, east, 'eu-west']] as const) {
      const admin = (await from.get('Secret', from.state.cluster.credentialsSecretName))!;
      await to.putSecret(`redis-enterprise-${participant}`, { username: b64(admin.data.username), password: b64(admin.data.password) });
    }
  });

  it('creates one CRDB through /v1/crdbs with both instances; both clusters report it active', async () => {
    for (const f of [west, east]) {
      await f.until(`${f.ns}: carts active`, async () => (await crdbStatus(f))?.status === 'active', 120_000);
    }
    const [eastCluster, westCluster] = ['rec-east', 'rec-west'].map((n) => registry.clusters().find((c) => c.name.startsWith(`${n}.`))!);
    const guids = [eastCluster, westCluster].map((c) => c.crdbs.list().map((r) => r.guid));
    expect(guids[0]).toHaveLength(1);
    expect(guids[1]).toEqual(guids[0]);
    expect((await crdbStatus(east))!.guid).toBe(guids[0][0]);
    expect((await crdbStatus(west))!.guid).toBe(guids[0][0]);
    const json = westCluster.crdbs.json(westCluster.crdbs.list()[0]) as { name: string; instances: Array<{ cluster: { name: string; url: string } }> };
    expect(json.name).toBe('carts');
    expect(json.instances.map((i) => i.cluster.url).sort()).toEqual(['https://api.rec-east.example.com:443', 'https://api.rec-west.example.com:443']);
    // Each cluster holds its local instance: a CRDT database with the shared name.
    for (const c of [eastCluster, westCluster]) expect(c.bdbs.byName('carts')!.config).toMatchObject({ crdt: true, crdt_guid: guids[0][0] });
    // Only the creator created it (one POST /v1/crdbs in the whole registry).
    expect(registry.requestLog.count({ method: 'POST', path: '/v1/crdbs' })).toBe(1);
    for (const f of [east, west]) {
      await f.until(`${f.ns}: slice for carts`, async () => (await f.slice('carts')) !== undefined);
      expect(b64((await f.get('Secret', 'carts-password'))!.data.password)).toBe(CARTS_PASSWORD);
    }
  });

  it('writes nothing to either REST API over two more passes of both clusters', async () => {
    const mark = registry.requestLog.mark();
    const before = [passes(east), passes(west)];
    await east.until('two more passes of each cluster\'s leader', () => passes(east) >= before[0] + 2 && passes(west) >= before[1] + 2, 60_000);
    expect(registry.requestLog.count({ since: mark, method: 'GET', path: '/v1/crdbs' })).toBeGreaterThanOrEqual(2);
    expect(registry.requestLog.mutations({ since: mark }).map((e) => `${e.method} ${e.path}`)).toEqual([]);
  });
});
