/**
 * The whole reconciler, in-process: three sidecars against a fake Kubernetes
 * API and three REST API double instances (HTTPS on 127.0.0.1).
 */
import { DESIRED_STATE_KEY, serializeDesiredState } from '../../../lib/contract/desired-state';
import { EndpointSlice, Pod, Secret } from '../../../lib/reconciler/io/kube-types';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { STATUS_KEY, StatusDocument } from '../../../lib/reconciler/plan/status';
import { database, desiredState, desiredStateConfigMap } from './support/desired';
import { Sim } from './support/sim';

jest.setTimeout(60_000);

const NS = 'redis';
const REC = 'rec';

function status(sim: Sim): StatusDocument | undefined {
  const cm = sim.kube.get<{ data?: Record<string, string> }>('configmaps', `${REC}-status`);
  return cm?.data?.[STATUS_KEY] ? JSON.parse(cm.data[STATUS_KEY]) as StatusDocument : undefined;
}

function converged(sim: Sim, names: string[]): boolean {
  const s = status(sim);
  if (!s || s.clusterState !== 'Running' || s.lastError) return false;
  return names.every((n) => s.databases.some((d) => d.name === n && d.status === 'active' && d.endpoints[0]?.pods.length));
}

describe('reconciler against the REST API double', () => {
  let sim: Sim;

  beforeAll(async () => {
    sim = await Sim.create({ state: desiredState(REC, NS, 3, [database('cache', 12000), database('sessions', 12001, { replication: true, deletionPolicy: 'delete' })]) });
    await sim.startAll();
    await sim.until('cluster formed and databases active', () => converged(sim, ['cache', 'sessions']));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('forms one cluster of all three nodes, with one leader', () => {
    const cluster = sim.nodes[0].double.cluster!;
    expect(cluster).toBeDefined();
    for (const n of sim.nodes) expect(n.double.cluster).toBe(cluster);
    expect(cluster.nodes().map((n) => n.addr).sort()).toEqual(sim.nodes.map((n) => n.podIp).sort());
    expect(sim.nodes.filter((n) => n.reconciler!.leader.isLeader)).toHaveLength(1);
    expect(sim.nodes.every((n) => n.reconciler!.controller.state.nodeBootstrapped)).toBe(true);
  });

  it('creates the admin Secret and database Secrets with random values', () => {
    const admin = sim.kube.get<Secret>('secrets', REC)!;
    const password = Buffer.from(admin.data!.password, 'base64').toString();
    expect(Buffer.from(admin.data!.username, 'base64').toString()).toBe('admin@example.com');
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const db = sim.kube.get<Secret>('secrets', 'redb-cache')!;
    expect(Buffer.from(db.data!.password, 'base64').toString()).not.toBe(password);
    expect(Buffer.from(db.data!.port, 'base64').toString()).toBe('12000');
  });

  it('creates every declared database with its declared port and settings', () => {
    const cluster = sim.nodes[0].double.cluster!;
    const cache = cluster.bdbs.byName('cache')!;
    const sessions = cluster.bdbs.byName('sessions')!;
    expect(cache.config.port).toBe(12000);
    expect(cache.config.memory_size).toBe(100 * 1024 * 1024);
    expect(sessions.config.port).toBe(12001);
    expect(sessions.config.replication).toBe(true);
    expect(cache.config.tags).toEqual(expect.arrayContaining([{ key: 'managed_by', value: 'redis-enterprise-reconciler' }]));
  });

  it('writes EndpointSlices for both Services of each database, pointing at the serving pod', () => {
    const cluster = sim.nodes[0].double.cluster!;
    for (const name of ['cache', 'sessions']) {
      const bdb = cluster.bdbs.byName(name)!;
      const servingIps = bdb.endpointNodes.map((uid) => cluster.nodes().find((n) => n.uid === uid)!.addr).sort();
      for (const svc of [name, `${name}-headless`]) {
        const slice = sim.kube.get<EndpointSlice>('endpointslices', svc)!;
        expect(slice.metadata.labels).toMatchObject({
          'kubernetes.io/service-name': svc,
          'endpointslice.kubernetes.io/managed-by': 'redis-enterprise-reconciler',
        });
        expect(slice.endpoints.map((e) => e.addresses[0]).sort()).toEqual(servingIps);
        expect(slice.ports).toEqual([{ name: 'redis', port: bdb.config.port, protocol: 'TCP' }]);
      }
    }
  });

  it('labels exactly the master node\'s pod', () => {
    const cluster = sim.nodes[0].double.cluster!;
    const masterAddr = cluster.nodes().find((n) => n.uid === cluster.masterUid)!.addr;
    const labelled = sim.kube.all<Pod>('pods').filter((p) => p.metadata.labels?.['redis.io/role-master'] === '1');
    expect(labelled.map((p) => p.status!.podIP)).toEqual([masterAddr]);
    expect(status(sim)!.masterPod).toBe(labelled[0].metadata.name);
  });

  it('writes nothing at steady state, to Kubernetes or to Redis Enterprise', async () => {
    const leader = sim.leaderNode()!;
    const kubeWritesBefore = sim.kube.writes.filter((w) => !w.includes('leases/')).length;
    const restBefore = sim.registry.requestLog.entries().filter((e) => e.mutating).length;
    for (let i = 0; i < 3; i++) {
      leader.reconciler!.controller.trigger('test resync');
      await leader.reconciler!.controller.idle();
    }
    expect(sim.kube.writes.filter((w) => !w.includes('leases/')).length).toBe(kubeWritesBefore);
    expect(sim.registry.requestLog.entries().filter((e) => e.mutating).length).toBe(restBefore);
  });

  it('restores a deleted EndpointSlice', async () => {
    sim.kube.remove('endpointslices', 'cache');
    await sim.until('slice restored', () => sim.kube.get('endpointslices', 'cache') !== undefined, 5000);
    expect(sim.kube.get<EndpointSlice>('endpointslices', 'cache')!.endpoints.length).toBeGreaterThan(0);
  });

  it('repairs an EndpointSlice someone edited', async () => {
    const slice = sim.kube.get<EndpointSlice>('endpointslices', 'sessions')!;
    const good = JSON.stringify(slice.endpoints);
    sim.kube.put('endpointslices', { ...slice, endpoints: [{ addresses: ['10.9.9.9'] }] } as never);
    await sim.until('slice repaired', () => JSON.stringify(sim.kube.get<EndpointSlice>('endpointslices', 'sessions')!.endpoints) === good, 5000);
  });

  it('moves the EndpointSlice when Redis Enterprise moves the endpoint', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    const bdb = cluster.bdbs.byName('cache')!;
    const other = cluster.nodes().find((n) => !bdb.endpointNodes.includes(n.uid))!;
    cluster.moveEndpoint(bdb.uid, other.uid);
    // Nothing in Kubernetes changed: the periodic resync is what notices.
    sim.leaderNode()!.reconciler!.controller.trigger('test resync');
    await sim.until('slice follows the endpoint', () =>
      sim.kube.get<EndpointSlice>('endpointslices', 'cache')!.endpoints.map((e) => e.addresses[0]).join() === other.addr, 5000);
  });

  it('creates a database added to the desired state, keeps a removed retained one, deletes a removed delete-policy one', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    const next = desiredState(REC, NS, 3, [database('orders', 12002)]);
    sim.kube.put('configmaps', desiredStateConfigMap(next) as never);
    await sim.until('orders created, sessions deleted', () =>
      cluster.bdbs.byName('orders')?.status === 'active' && cluster.bdbs.byName('sessions') === undefined, 10_000);
    expect(cluster.bdbs.byName('cache')).toBeDefined();
    await sim.until('status reports cache retained', () => {
      const c = status(sim)?.databases.find((d) => d.name === 'cache');
      return c?.declared === false;
    }, 5000);
    await sim.until('slices of sessions removed', () => sim.kube.get('endpointslices', 'sessions') === undefined, 5000);
    // The retained database's Secret is still there and was never rewritten.
    expect(sim.kube.get('secrets', 'redb-cache')).toBeDefined();
  });

  it('never overwrites an existing Secret', async () => {
    const before = sim.kube.get<Secret>('secrets', REC)!;
    const leader = sim.leaderNode()!;
    leader.reconciler!.controller.trigger('test');
    await leader.reconciler!.controller.idle();
    expect(sim.kube.get<Secret>('secrets', REC)!.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(sim.kube.writes.filter((w) => w.startsWith('update secrets') || w.startsWith('patch secrets'))).toEqual([]);
  });

  it('reports an invalid desired state in the status and changes nothing', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    const bdbCount = cluster.bdbs.list().length;
    const cm = desiredStateConfigMap(desiredState(REC, NS, 3, []));
    cm.data![DESIRED_STATE_KEY] = JSON.stringify({ schemaVersion: 99 });
    sim.kube.put('configmaps', cm as never);
    await sim.until('status says invalid', () => status(sim)?.desiredState.valid === false, 5000);
    expect(status(sim)!.desiredState.message).toMatch(/schemaVersion 99/);
    expect(cluster.bdbs.list().length).toBe(bdbCount);
    // Put a valid document back for the following tests.
    sim.kube.put('configmaps', desiredStateConfigMap(desiredState(REC, NS, 3, [database('orders', 12002)])) as never);
    await sim.until('valid again', () => status(sim)?.desiredState.valid === true, 5000);
  });

  it('hands leadership over when the leader stops', async () => {
    const old = sim.leaderNode()!;
    await old.reconciler!.stop();
    old.reconciler = undefined;
    await sim.until('another leader', () => sim.leaderNode() !== undefined, 5000);
    expect(sim.leaderNode()!.podName).not.toBe(old.podName);
  });

  it('resumes watches after expiry (410) and after the API server went away', async () => {
    const leader = sim.leaderNode()!;
    const restarts = () => leader.reconciler!.metrics.total(M.watchRestarts);
    const before = restarts();
    sim.kube.expireWatches();
    await sim.until('watches re-opened after 410', () => restarts() >= before + 4 && sim.kube.openWatches() >= 4, 5000);
    sim.kube.up = false;
    sim.kube.cutWatches();
    await new Promise((r) => setTimeout(r, 300));
    sim.kube.up = true;
    await sim.until('watches back after outage', () => sim.kube.openWatches() >= 8, 10_000);
    // And they work: a deleted slice is restored again.
    sim.kube.remove('endpointslices', 'orders');
    await sim.until('slice restored after outage', () => sim.kube.get('endpointslices', 'orders') !== undefined, 10_000);
  });
});

describe('serialization of the desired state used by the fixtures', () => {
  it('round-trips', () => {
    const s = desiredState(REC, NS, 3, [database('a', 12000)]);
    expect(JSON.parse(serializeDesiredState(s)).databases[0].name).toBe('a');
  });
});
