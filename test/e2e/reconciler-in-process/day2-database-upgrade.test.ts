/**
 * Day-2: a database's Redis version upgrade, driven from code (plain
 * databases, then an Active-Active database of two clusters). The program
 * declares `redisVersion: '7.4'`, is changed to '8.0', re-synthesized and
 * applied (the desired-state ConfigMap, as `kubectl apply` or an Argo CD
 * sync would); the elected reconciler upgrades the database through
 * `POST /v1/bdbs/{uid}/upgrade` and reports `DatabaseUpgrade` in the status
 * ConfigMap, Events and metrics. Reconcilers in-process on the real control
 * plane, one REST API double per pod.
 */
import { randomBytes } from 'node:crypto';
import { activeActiveApp } from '../../../examples/active-active';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { RunningReconciler } from '../../../lib/reconciler/runtime/app';
import { ApiDoubleClusterRegistry } from '../../support/redis-enterprise-api-double';
import { FixtureDatabase, synthesize, synthesizeApp } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { kubeWritesBesidesLeases } from '../harness/reconciler-writes';
import { InProcessFleet } from './support/fleet';

const UPGRADE_ROUTE = { method: 'POST', route: '/v1/bdbs/{uid}/upgrade', status: '200' };

/** The program: `orders` (replicated, at `ordersVersion`) and `cache` (at `cacheVersion`; without one, never upgraded). */
const program = (namespace: string, ordersVersion: string, cacheVersion?: string) => synthesize({
  namespace,
  databases: [
    { name: 'orders', port: 12000, replication: true, redisVersion: ordersVersion },
    { name: 'cache', port: 12001, ...(cacheVersion ? { redisVersion: cacheVersion } : {}) },
  ] satisfies FixtureDatabase[],
});

function reconcilers(fleet: InProcessFleet): RunningReconciler[] {
  return fleet.nodes.map((n) => n.reconciler!).filter(Boolean);
}

const sum = (fleet: InProcessFleet, f: (r: RunningReconciler) => number) => reconcilers(fleet).reduce((n, r) => n + f(r), 0);

const KUBE_WRITES: Array<[string, string]> = [['create', 'configmaps'], ['update', 'configmaps'], ['create', 'secrets'], ['create', 'events'], ['patch', 'pods']];

/** Kubernetes writes by verb and resource, summed over the fleet (Lease renewals left out). */
function kubeWritesByKind(fleet: InProcessFleet): Record<string, number> {
  return Object.fromEntries(KUBE_WRITES.map(([verb, resource]) => [`${verb} ${resource}`, sum(fleet, (r) => r.metrics.get(M.kubeWrites, { verb, resource }))]));
}

function delta(after: Record<string, number>, before: Record<string, number>): string {
  return Object.keys(after).filter((k) => after[k] !== before[k]).map((k) => `${k} ${after[k] - before[k]}`).join(', ');
}

describeE2E('day-2: database Redis version upgrade from code (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  async function converged(ordersVersion: string, softwareVersion?: string, cacheVersion?: string): Promise<InProcessFleet> {
    const f = await InProcessFleet.create(client, info, 'rip-dbupgrade', { fixture: (namespace) => program(namespace, ordersVersion, cacheVersion), softwareVersion });
    fleet = f;
    await f.startAll();
    await f.until('two active databases and their slices', async () => {
      const c = f.registry.clusters()[0];
      return !!c && c.nodes().length === 3 && c.bdbs.list().filter((b) => b.status === 'active').length === 2 && (await f.slices()).length === 4;
    });
    await f.until('status shows both databases', async () => ((await f.status())?.databases ?? []).length === 2);
    return f;
  }

  async function secretVersions(f: InProcessFleet): Promise<Record<string, string>> {
    const names = [f.state.cluster.credentialsSecretName, ...f.state.databases.map((d) => d.passwordSecretName)];
    const out: Record<string, string> = {};
    for (const n of names) out[n] = (await f.get('Secret', n))!.metadata.resourceVersion;
    return out;
  }

  const upgradeOp = async (f: InProcessFleet) => ((await f.status())?.operations ?? []).find((o: any) => o.kind === 'DatabaseUpgrade');

  /** Runs a leader pass and waits until it ended. */
  async function leaderPass(f: InProcessFleet): Promise<void> {
    const leader = f.leaderNode()!.reconciler!;
    const before = leader.controller.state.passes;
    leader.controller.trigger('test');
    await f.until('a leader pass', () => leader.controller.state.passes > before);
  }

  it('7.4 -> 8.0: upgraded in place through the upgrade endpoint, Succeeded in the status, nothing written at steady state', async () => {
    const started = Date.now();
    await converged('7.4');
    const cluster = fleet.registry.clusters()[0];
    const orders = cluster.bdbs.byName('orders')!;
    expect(orders.config.redis_version).toBe('7.4');
    const cacheVersion = cluster.bdbs.byName('cache')!.config.redis_version;
    const shardsBefore = JSON.stringify(orders.shards.map((s) => [s.uid, s.nodeUid, s.role]));
    const secrets = await secretVersions(fleet);
    const mark = fleet.registry.requestLog.mark();
    const kubeBefore = sum(fleet, kubeWritesBesidesLeases);
    const kubeKindsBefore = kubeWritesByKind(fleet);
    const restBefore = sum(fleet, (r) => r.metrics.total(M.restRequests));
    const upgradeWritesBefore = sum(fleet, (r) => r.metrics.get(M.restRequests, UPGRADE_ROUTE));

    // The code change: redisVersion '7.4' -> '8.0', re-synthesized and applied.
    const applied = Date.now();
    await fleet.applyDesired(program(fleet.ns, '8.0'));
    await fleet.until('DatabaseUpgrade Succeeded', async () => (await upgradeOp(fleet))?.phase === 'Succeeded');
    const upgradeMs = Date.now() - applied;

    const op = await upgradeOp(fleet);
    expect(op).toMatchObject({ kind: 'DatabaseUpgrade', phase: 'Succeeded', target: 'orders redis 7.4 -> 8.0' });
    expect(op.message).toBe(`database orders upgraded to Redis 8.0 in place (uid ${orders.uid})`);
    expect(op.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(op.endedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The database was upgraded, not recreated: same record, uid and shards (roles preserved).
    expect(cluster.bdbs.byName('orders')).toBe(orders);
    expect(orders.config.redis_version).toBe('8.0');
    expect(JSON.stringify(orders.shards.map((s) => [s.uid, s.nodeUid, s.role]))).toBe(shardsBefore);
    expect(cluster.bdbs.upgrades).toEqual([{ uid: orders.uid, from: '7.4', to: '8.0', preserveRoles: true }]);
    // The database without redisVersion is left on its version.
    expect(cluster.bdbs.byName('cache')!.config.redis_version).toBe(cacheVersion);
    // Only the upgrade request was written: no create, delete or PUT (redis_version is never PUT).
    const writes = fleet.registry.requestLog.mutations({ since: mark });
    expect(writes.map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([`POST /v1/bdbs/${orders.uid}/upgrade 200`]);
    const status = await fleet.status();
    expect(status.databases.find((d: any) => d.name === 'orders')).toMatchObject({ uid: orders.uid, status: 'active', redisVersion: '8.0' });
    // Events follow the status write of the same pass.
    await fleet.until('the Succeeded Event', async () => (await fleet.events('DatabaseUpgradeSucceeded')).length > 0);
    const events = [...await fleet.events('DatabaseUpgradeRunning'), ...await fleet.events('DatabaseUpgradeSucceeded')];
    expect(events.map((e) => [e.reason, e.type])).toEqual([['DatabaseUpgradeRunning', 'Normal'], ['DatabaseUpgradeSucceeded', 'Normal']]);
    expect(events[0].message).toMatch(/^DatabaseUpgrade orders redis 7\.4 -> 8\.0 \(orders\): upgrade request accepted, action \S+$/);
    expect(events[1].message).toBe(`DatabaseUpgrade orders redis 7.4 -> 8.0: database orders upgraded to Redis 8.0 in place (uid ${orders.uid})`);
    const leader = fleet.leaderNode()!.reconciler!;
    expect(leader.metrics.get(M.operations, { kind: 'DatabaseUpgrade', phase: 'Succeeded' })).toBe(1);
    expect(await secretVersions(fleet)).toEqual(secrets);

    const restWrites = sum(fleet, (r) => r.metrics.get(M.restRequests, UPGRADE_ROUTE)) - upgradeWritesBefore;
    const kubeWrites = sum(fleet, kubeWritesBesidesLeases) - kubeBefore;
    const restRequests = sum(fleet, (r) => r.metrics.total(M.restRequests)) - restBefore;
    expect(restWrites).toBe(1);

    // Steady state: more passes write nothing, to Redis Enterprise or to Kubernetes.
    const steady = fleet.registry.requestLog.mark();
    const kubeSteady = sum(fleet, kubeWritesBesidesLeases);
    await leaderPass(fleet);
    await leaderPass(fleet);
    expect(fleet.registry.requestLog.mutations({ since: steady })).toEqual([]);
    expect(sum(fleet, kubeWritesBesidesLeases)).toBe(kubeSteady);
    expect((await upgradeOp(fleet)).endedAt).toBe(op.endedAt);
    process.stdout.write(`[day2-database-upgrade] apply -> Succeeded ${upgradeMs} ms; REST writes ${restWrites} (double log: ${writes.length}), `
      + `REST requests ${restRequests}, Kubernetes writes ${kubeWrites} (${delta(kubeWritesByKind(fleet), kubeKindsBefore)}); whole test so far ${Date.now() - started} ms\n`);
  });

  it('a failed upgrade is Failed with the reason, not retried until the declaration changes, then a new declaration upgrades', async () => {
    await converged('7.4');
    const cluster = fleet.registry.clusters()[0];
    const orders = cluster.bdbs.byName('orders')!;
    cluster.failNextActions(1, { name: 'SMUpgradeBDB', errorCode: 'internal_error', message: 'shard restart failed (injected)' });
    await fleet.applyDesired(program(fleet.ns, '8.0'));
    await fleet.until('DatabaseUpgrade Failed', async () => (await upgradeOp(fleet))?.phase === 'Failed');
    const failed = await upgradeOp(fleet);
    expect(failed).toMatchObject({ phase: 'Failed', target: 'orders redis 7.4 -> 8.0', node: 'orders' });
    expect(failed.message).toMatch(/^action \S+ \(SMUpgradeBDB\) failed: shard restart failed \(injected\)$/);
    expect(orders.config.redis_version).toBe('7.4');
    await fleet.until('the Failed Event', async () => (await fleet.events('DatabaseUpgradeFailed')).length > 0);
    const warning = await fleet.events('DatabaseUpgradeFailed');
    expect(warning.map((e) => e.type)).toEqual(['Warning']);
    expect((await fleet.status()).lastError ?? '').not.toMatch(/shard restart/);

    // The same declaration is not retried, pass after pass.
    const mark = fleet.registry.requestLog.mark();
    await leaderPass(fleet);
    await leaderPass(fleet);
    expect(fleet.registry.requestLog.entries({ since: mark, method: 'POST', path: /\/upgrade$/ })).toEqual([]);
    expect(cluster.bdbs.upgrades).toHaveLength(1);

    // A new declaration is a new run.
    await fleet.applyDesired(program(fleet.ns, '8.2'));
    await fleet.until('DatabaseUpgrade Succeeded', async () => (await upgradeOp(fleet))?.phase === 'Succeeded');
    expect(await upgradeOp(fleet)).toMatchObject({ target: 'orders redis 7.4 -> 8.2', phase: 'Succeeded' });
    expect(cluster.bdbs.byName('orders')).toBe(orders);
    expect(orders.config.redis_version).toBe('8.2');
  });

  it('two databases in one change are both upgraded, one after the other in name order', async () => {
    await converged('7.4', undefined, '7.2');
    const cluster = fleet.registry.clusters()[0];
    await fleet.applyDesired(program(fleet.ns, '8.0', '8.2'));
    await fleet.until('both upgraded', async () => (await fleet.status())?.databases?.every((d: any) => d.redisVersion === (d.name === 'orders' ? '8.0' : '8.2')));
    expect(cluster.bdbs.upgrades.map((u) => `${u.uid} ${u.from} -> ${u.to}`)).toEqual([
      `${cluster.bdbs.byName('cache')!.uid} 7.2 -> 8.2`, `${cluster.bdbs.byName('orders')!.uid} 7.4 -> 8.0`,
    ]);
    // One entry per kind: the latest run.
    expect(await upgradeOp(fleet)).toMatchObject({ target: 'orders redis 7.4 -> 8.0', phase: 'Succeeded' });
    await fleet.until('two Succeeded Events', async () => (await fleet.events('DatabaseUpgradeSucceeded')).length >= 2);
    expect((await fleet.events('DatabaseUpgradeSucceeded')).map((e) => e.message.split(':')[0]).sort())
      .toEqual(['DatabaseUpgrade cache redis 7.2 -> 8.2', 'DatabaseUpgrade orders redis 7.4 -> 8.0']);
  });

  it('a refusal by the REST API (400) is Failed with the cluster\'s answer', async () => {
    // The image in code says 8.0.20, but the nodes still run 7.22 (their roll has not happened): 8.0 is not bundled there.
    await converged('7.4', '7.22.2-21');
    const cluster = fleet.registry.clusters()[0];
    await fleet.applyDesired(program(fleet.ns, '8.0'));
    await fleet.until('DatabaseUpgrade Failed', async () => (await upgradeOp(fleet))?.phase === 'Failed');
    const failed = await upgradeOp(fleet);
    expect(failed).toMatchObject({ target: 'orders redis 7.4 -> 8.0', node: 'orders' });
    expect(failed.message).toMatch(/^Redis Enterprise refused the upgrade: POST \/v1\/bdbs\/\{uid\}\/upgrade: HTTP 400 unsupported_redis_version: Redis 8\.0 is not a database version of this cluster/);
    expect(cluster.bdbs.byName('orders')!.config.redis_version).toBe('7.4');
    expect(cluster.bdbs.upgrades).toEqual([]);
  });
});

describeE2E('day-2: Active-Active database Redis version upgrade from code (in-process, two clusters)', ({ client, info }) => {
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20 } });
  const base = `rip-aaup-${randomBytes(3).toString('hex')}`;
  const namespaces = { eastNamespace: `${base}-east`, westNamespace: `${base}-west` };
  const fleets: InProcessFleet[] = [];
  const app = (cluster: 'rec-east' | 'rec-west', redisVersion: string) =>
    synthesizeApp((a) => activeActiveApp(a, { ...namespaces, redisVersion }), cluster);
  const fleetOf = (cluster: 'rec-east' | 'rec-west', namespace: string) => InProcessFleet.create(client, info, base, {
    namespace,
    sharedRegistry: registry,
    resyncSeconds: 2,
    fixture: () => app(cluster, '7.4'),
    before: () => [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'carts-password' }, stringData: { password: 'shared-by-the-user' } }],
  });
  const carts = (name: string) => registry.clusters().find((c) => c.name.startsWith(`${name}.`))!.bdbs.byName('carts');
  const upgradeOf = async (f: InProcessFleet) => ((await f.status())?.operations ?? []).find((o: any) => o.kind === 'DatabaseUpgrade');

  afterAll(async () => {
    for (const f of fleets) await f.stop();
  });

  it('7.4 -> 8.0 in both programs: the creating participant upgrades every instance through the CRDB upgrade, once', async () => {
    const west = await fleetOf('rec-west', namespaces.westNamespace);
    fleets.push(west);
    const east = await fleetOf('rec-east', namespaces.eastNamespace);
    fleets.push(east);
    await west.startAll();
    await east.startAll();
    for (const f of [west, east]) await f.until(`${f.ns} Running`, async () => (await f.status())?.clusterState === 'Running', 120_000);
    for (const [from, to, participant] of [[east, west, 'us-east'], [west, east, 'eu-west']] as const) {
      const admin = (await from.get('Secret', from.state.cluster.credentialsSecretName))!;
      const b64 = (s: string) => Buffer.from(s, 'base64').toString();
      await to.putSecret(`redis-enterprise-${participant}`, { username: b64(admin.data.username), password: b64(admin.data.password) });
    }
    for (const f of [west, east]) {
      await f.until(`${f.ns}: carts active`, async () => (await f.status())?.activeActiveDatabases?.[0]?.status === 'active', 60_000);
    }
    const [westDb, eastDb] = [carts('rec-west')!, carts('rec-east')!];
    // Created at the declared version (default_db_config.redis_version).
    expect([westDb.config.redis_version, eastDb.config.redis_version]).toEqual(['7.4', '7.4']);
    const mark = registry.requestLog.mark();

    // Both programs change; eu-west sorts first, so its reconciler sends the upgrade.
    const applied = Date.now();
    const kubeBefore = [west, east].reduce((n, f) => n + sum(f, kubeWritesBesidesLeases), 0);
    await west.applyDesired(app('rec-west', '8.0'));
    await east.applyDesired(app('rec-east', '8.0'));
    await west.until('DatabaseUpgrade Succeeded on the creator', async () => (await upgradeOf(west))?.phase === 'Succeeded', 60_000);
    const upgradeMs = Date.now() - applied;
    expect(await upgradeOf(west)).toMatchObject({ target: 'carts redis 7.4 -> 8.0', phase: 'Succeeded' });
    expect((await upgradeOf(west)).message).toBe(`database carts upgraded to Redis 8.0 in place (uid ${westDb.uid})`);
    expect([carts('rec-west'), carts('rec-east')]).toEqual([westDb, eastDb]);
    expect([westDb.config.redis_version, eastDb.config.redis_version]).toEqual(['8.0', '8.0']);
    const writes = registry.requestLog.mutations({ since: mark });
    expect(writes.map((w) => `${w.method} ${w.path.replace(/\/v1\/crdbs\/[^/]+/, '/v1/crdbs/{guid}')}`)).toEqual(['POST /v1/crdbs/{guid}/upgrade']);
    // The other participant reports no operation of its own: it did nothing.
    expect(await upgradeOf(east)).toBeUndefined();

    // Steady state over more passes of both clusters (resync every 2 s).
    const steady = registry.requestLog.mark();
    const passes = () => [west, east].map((f) => f.leaderNode()!.reconciler!.metrics.get(M.reconciles, { result: 'success' }));
    const before = passes();
    await west.until('two more passes on both', async () => passes().every((n, i) => n >= before[i] + 2), 30_000);
    expect(registry.requestLog.mutations({ since: steady })).toEqual([]);
    const kubeWrites = [west, east].reduce((n, f) => n + sum(f, kubeWritesBesidesLeases), 0) - kubeBefore;
    process.stdout.write(`[day2-database-upgrade] Active-Active: apply -> Succeeded ${upgradeMs} ms; REST writes ${writes.length} `
      + `(POST /v1/crdbs/{guid}/upgrade), Kubernetes writes ${kubeWrites} over both clusters (status ConfigMaps and Events, two more passes included)\n`);
  });
});
