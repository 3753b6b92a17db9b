/**
 * The whole reconciler, in-process on the real control plane: three
 * `startReconciler`s with the reconciler's own Kubernetes client (as the
 * `<rec>` ServiceAccount) and three REST API doubles. What
 * test/e2e/reconciler.test.ts already shows with reconciler processes
 * (cluster formed, databases and their ports, slices at the serving pod,
 * master label, a deleted slice restored, databases added and removed) is
 * not repeated here.
 */
import { DESIRED_STATE_KEY } from '../../../lib/contract/desired-state';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { kubeWritesBesidesLeases } from '../harness/reconciler-writes';
import { InProcessFleet } from './support/fleet';

const DATABASES = [{ name: 'cache', port: 12000 }, { name: 'sessions', port: 12001, replication: true }];
const b64 = (s: string) => Buffer.from(s, 'base64').toString();

describeE2E('reconciler in-process on the real API server', ({ client, info }) => {
  let fleet: InProcessFleet;

  const converged = async (names: string[]) => {
    const s = await fleet.status();
    return !!s && s.clusterState === 'Running' && !s.lastError
      && names.every((n) => s.databases.some((d: any) => d.name === n && d.status === 'active' && d.endpoints[0]?.pods.length));
  };
  const addresses = (slice: any): string => (slice?.endpoints ?? []).map((e: any) => e.addresses[0]).sort().join();

  beforeAll(async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-reconciler', { fixture: (namespace) => synthesize({ namespace, databases: DATABASES }) });
    await fleet.startAll();
    await fleet.until('cluster formed and databases active', () => converged(['cache', 'sessions']));
  });

  afterAll(async () => { await fleet?.stop(); });

  it('creates the admin Secret and a database Secret per database, with random values', async () => {
    const admin = (await fleet.get('Secret', fleet.state.cluster.credentialsSecretName))!;
    const password = b64(admin.data.password);
    expect(b64(admin.data.username)).toBe(fleet.state.cluster.adminUsername);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const db = (await fleet.get('Secret', fleet.state.databases.find((d) => d.name === 'cache')!.passwordSecretName))!;
    expect(b64(db.data.password)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b64(db.data.password)).not.toBe(password);
    expect(b64(db.data.port)).toBe('12000');
  });

  it('writes nothing at steady state, to Kubernetes (Lease renewals aside) or to Redis Enterprise', async () => {
    const leader = fleet.leaderNode()!;
    const writes = () => fleet.nodes.reduce((n, x) => n + (x.reconciler ? kubeWritesBesidesLeases(x.reconciler) : 0), 0);
    const versions = async () => JSON.stringify((await Promise.all([
      fleet.slices(), client.list('v1', 'Secret', fleet.ns), client.list('v1', 'ConfigMap', fleet.ns), client.list('v1', 'Pod', fleet.ns),
    ])).flat().map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort());
    const before = { writes: writes(), versions: await versions(), rest: fleet.registry.requestLog.mark() };
    for (let i = 0; i < 3; i++) {
      leader.reconciler!.controller.trigger('test resync');
      await leader.reconciler!.controller.idle();
    }
    expect(writes()).toBe(before.writes);
    expect(await versions()).toBe(before.versions);
    expect(fleet.registry.requestLog.mutations({ since: before.rest })).toHaveLength(0);
  });

  it('repairs an EndpointSlice someone edited', async () => {
    const slice = (await fleet.slice('sessions'))!;
    const good = addresses(slice);
    await client.call('PUT', await client.pathFor(fleet.ref('discovery.k8s.io/v1', 'EndpointSlice', 'sessions')),
      { ...slice, endpoints: [{ addresses: ['10.9.9.9'] }] });
    await fleet.until('slice repaired', async () => addresses(await fleet.slice('sessions')) === good);
  });

  it('moves the EndpointSlice when Redis Enterprise moves the endpoint', async () => {
    const cluster = fleet.registry.clusters()[0];
    const bdb = cluster.bdbs.byName('cache')!;
    const other = cluster.nodes().find((n) => !bdb.endpointNodes.includes(n.uid))!;
    cluster.moveEndpoint(bdb.uid, other.uid);
    // Nothing in Kubernetes changed: the periodic resync is what notices.
    fleet.leaderNode()!.reconciler!.controller.trigger('test resync');
    await fleet.until('slice follows the endpoint', async () => addresses(await fleet.slice('cache')) === other.addr);
  });

  it('never overwrites an existing Secret: same uid, resourceVersion and data', async () => {
    const names = [fleet.state.cluster.credentialsSecretName, ...fleet.state.databases.map((d) => d.passwordSecretName)];
    const snapshot = async () => Promise.all(names.map(async (n) => {
      const s = (await fleet.get('Secret', n))!;
      return { name: n, uid: s.metadata.uid, resourceVersion: s.metadata.resourceVersion, data: s.data };
    }));
    const before = await snapshot();
    const leader = fleet.leaderNode()!;
    leader.reconciler!.controller.trigger('test');
    await leader.reconciler!.controller.idle();
    expect(await snapshot()).toEqual(before);
  });

  it('reports an invalid desired state in the status and changes nothing', async () => {
    const cluster = fleet.registry.clusters()[0];
    const bdbs = cluster.bdbs.list().map((b) => b.config.name).sort();
    const mark = fleet.registry.requestLog.mark();
    const cm = fleet.state.cluster.name + '-desired-state';
    const valid = (await fleet.get('ConfigMap', cm))!.data[DESIRED_STATE_KEY];
    await client.patch(fleet.ref('v1', 'ConfigMap', cm), { data: { [DESIRED_STATE_KEY]: JSON.stringify({ schemaVersion: 99 }) } });
    await fleet.until('status says invalid', async () => (await fleet.status())?.desiredState.valid === false);
    expect((await fleet.status()).desiredState.message).toMatch(/schemaVersion 99/);
    expect(cluster.bdbs.list().map((b) => b.config.name).sort()).toEqual(bdbs);
    expect(fleet.registry.requestLog.mutations({ since: mark })).toHaveLength(0);
    // The valid document back, for the following tests.
    await client.patch(fleet.ref('v1', 'ConfigMap', cm), { data: { [DESIRED_STATE_KEY]: valid } });
    await fleet.until('valid again', async () => (await fleet.status())?.desiredState.valid === true);
  });

  it('hands leadership over when the leader stops (the Lease is handed back)', async () => {
    const old = fleet.leaderNode()!;
    await old.reconciler!.stop();
    old.reconciler = undefined;
    const lease = await fleet.get('Lease', `${fleet.state.cluster.name}-leader`);
    expect(lease?.spec?.holderIdentity ?? '').not.toBe(old.podName);
    await fleet.until('another leader', async () => fleet.leaderNode() !== undefined);
    expect(fleet.leaderNode()!.podName).not.toBe(old.podName);
    await fleet.until('the Lease names it', async () =>
      (await fleet.get('Lease', `${fleet.state.cluster.name}-leader`))?.spec?.holderIdentity === fleet.leaderNode()!.podName);
  });
});
