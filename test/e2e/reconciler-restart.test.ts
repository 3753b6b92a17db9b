/**
 * The reconciler across kube-apiserver restarts (issue 5, item 6: "restarting
 * the API server and injecting REST faults end in the same converged state
 * with no Secret overwritten and no database lost").
 *
 * Same setup as reconciler.test.ts: the production example applied in a fresh
 * namespace; one reconciler PROCESS per simulated pod (the built
 * `lib/reconciler/dist/reconciler/runtime/main.js`), authenticated with a token of the `<rec>`
 * ServiceAccount (so the synthesized Role is what it gets), each pointed at
 * its own REST API double on 127.0.0.1. Pod IPs are only data.
 *
 * The periodic resync is set far beyond the test's length, so every repair
 * seen here comes from a watch event (or a watch's relist), not from a timer.
 *
 * kube-apiserver is restarted twice with `restartApiServer` (harness/api-server.ts):
 * once gracefully (SIGTERM) at steady state, once killed (SIGKILL) while the
 * REST doubles inject faults and a database added in code is being created.
 * This is the only file that restarts the shared API server; jest runs the
 * e2e files one at a time.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DeletionPolicy } from '../../lib/database/database-props';
import { DesiredState } from '../../lib/contract/desired-state';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry, FaultHandle } from '../support/redis-enterprise-api-double';
import { apiServerProcess, restartApiServer, RestartResult, runsApiServer } from './harness/api-server';
import { readPlaneProcesses } from './harness/connection';
import { describeE2E } from './harness/describe-e2e';
import { deleteNamespace } from './harness/namespaces';
import {
  deployWithReconcilers, desiredOf, ensureReconcilerBuilt, FleetDatabase, fleetQueries, productionObjectsWith, REC, ReconcilerNode, stopFleet,
} from './harness/reconciler-fleet';
import { probe } from './harness/readiness';
import { RunRecord } from './harness/run-registry';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';
const LEASE_SECONDS = 6;
/** Longer than the whole file: no repair here may come from the resync timer. */
const RESYNC_SECONDS = 3600;


interface SecretMark { uid: string; resourceVersion: string; dataHash: string }

function secretMark(s: KubeObject): SecretMark {
  const data = Object.entries(s.data ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return { uid: s.metadata.uid!, resourceVersion: s.metadata.resourceVersion!, dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex') };
}

function log(msg: string): void {
  // eslint-disable-next-line no-console
  console.log(`[e2e] ${msg}`);
}

describeE2E('reconciler across kube-apiserver restarts', ({ client, info }) => {
  let ns: string;
  let tmp: string;
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 } });
  const nodes: ReconcilerNode[] = [];
  const initial: FleetDatabase[] = [{ name: 'cache' }, { name: 'sessions', replication: true, deletionPolicy: DeletionPolicy.DELETE }];
  const added: FleetDatabase = { name: 'wishlists' };
  let desired: DesiredState;
  const restarts: RestartResult[] = [];
  /** When the test saw the fleet converged again after each restart: the end of the window in which a 403 is the new server's, not the Role's. */
  const recoveredAt = new Map<RestartResult, number>();
  let faults: FaultHandle[] = [];

  // What the converged cluster looked like before any restart.
  let secretsBefore: Map<string, SecretMark>;
  let bdbUidsBefore: Map<string, number>;
  let statusBefore: any;
  let watchRestartsBefore: number[];

  const { status, cluster, slices, servingIps, leaseHolder } = fleetQueries(client, () => ns, registry);
  const podOfIp = (ip: string): string => nodes.find((n) => n.ip === ip)!.pod;
  const secrets = async (): Promise<Map<string, SecretMark>> =>
    new Map((await client.list('v1', 'Secret', ns)).map((s) => [s.metadata.name, secretMark(s)]));
  const metricSum = async (n: ReconcilerNode, name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
    let sum = 0;
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))) sum += Number(m[1]);
    return sum;
  };
  const watchRestarts = (): Promise<number[]> => Promise.all(nodes.map((n) => metricSum(n, 'redis_enterprise_reconciler_watch_restarts_total')));
  const logTails = (): string[] => nodes.map((n) => `${n.pod}: ${n.log.trim().split('\n').filter((l) => !l.includes('"debug"')).slice(-3).join(' | ')}`);
  /** The reconcilers' JSON log records (one per line on stderr). */
  const records = (n: ReconcilerNode): any[] => n.log.split('\n').flatMap((l) => {
    try { return [JSON.parse(l)]; } catch { return []; }
  });


  /** The status ConfigMap says: cluster Running, no error, each named database active, declared and served. */
  async function converged(dbNames: string[], observe?: (s: unknown) => void): Promise<boolean> {
    const s = await status();
    observe?.(s ? { clusterState: s.clusterState, lastError: s.lastError, databases: s.databases.map((d: any) => `${d.name}:${d.status}`) } : logTails());
    if (!s || s.clusterState !== 'Running' || s.lastError || !s.desiredState.valid) return false;
    return dbNames.every((d) => s.databases.some((x: any) => x.name === d && x.status === 'active' && x.declared && x.endpoints[0]?.pods.length > 0));
  }
  const declaredNames = (): string[] => desired.databases.map((d) => d.name).sort();

  /** Everything item 6 calls converged, checked against the desired state and the REST doubles' state. */
  async function expectConverged(): Promise<void> {
    const c = cluster();
    expect(registry.clusters()).toHaveLength(1);
    expect(c.nodes().map((n) => n.addr).sort()).toEqual(nodes.map((n) => n.ip).sort());
    // Every declared database exists with its declared port and settings, and nothing else does.
    expect(c.bdbs.list().map((b) => String(b.config.name)).sort()).toEqual(declaredNames());
    for (const d of desired.databases) {
      const bdb = c.bdbs.byName(d.name)!;
      expect(bdb.config.port).toBe(d.port);
      expect(bdb.config.memory_size).toBe(d.memorySizeBytes);
      expect(bdb.config.replication).toBe(d.replication);
      // One EndpointSlice per Service, pointing at the pods that serve the database.
      for (const svc of [d.serviceName, d.headlessServiceName]) {
        const [slice, ...more] = await slices(svc);
        expect(more).toEqual([]);
        expect(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('redis-enterprise-reconciler');
        expect(slice.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(servingIps(d.name));
        expect(slice.ports[0].port).toBe(d.port);
      }
    }
    // The master node's pod, and only it, carries the master label.
    const masterAddr = c.nodes().find((n) => n.uid === c.masterUid)!.addr;
    const labelled = await client.list('v1', 'Pod', ns, { labelSelector: 'redis.io/role-master=1' });
    expect(labelled.map((p) => p.status.podIP)).toEqual([masterAddr]);
    // The status ConfigMap reports exactly this.
    const s = await status();
    expect(s.clusterState).toBe('Running');
    expect(s.lastError).toBeUndefined();
    expect(s.masterPod).toBe(labelled[0].metadata.name);
    expect(s.nodes.map((n: any) => n.addr).sort()).toEqual(nodes.map((n) => n.ip).sort());
    expect(s.databases.map((d: any) => d.name)).toEqual(declaredNames());
    for (const d of desired.databases) {
      const reported = s.databases.find((x: any) => x.name === d.name);
      expect(reported).toMatchObject({ uid: c.bdbs.byName(d.name)!.uid, port: d.port, status: 'active', declared: true });
      expect([...reported.endpoints[0].pods].sort()).toEqual(servingIps(d.name).map(podOfIp).sort());
    }
  }

  /** Deletes the EndpointSlice of `db`'s Service and waits for the reconciler to put it back, on the watch's event. */
  async function repairAfterDelete(db: string): Promise<number> {
    const [slice] = await slices(db);
    const t0 = Date.now();
    await client.delete({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: ns, name: slice.metadata.name });
    const back = await waitFor(`EndpointSlice of ${db} restored`, async (observe) => {
      const [s] = await slices(db);
      observe(s ? `same slice ${s.metadata.uid}` : `absent; ${logTails().join(' || ')}`);
      return s && s.metadata.uid !== slice.metadata.uid ? s : undefined;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    const took = Date.now() - t0;
    expect(back.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(servingIps(db));
    // The pass that repaired it was asked for by the EndpointSlice watch's DELETED event (the resync timer
    // is off): proof that the watch runs again.
    const reason = `endpointslices deleted ${slice.metadata.name}`;
    await waitFor(`a reconciler logging "reconcile requested" for ${reason}`, async () => nodes.some((n) =>
      records(n).some((r) => r.msg === 'reconcile requested' && r.reason === reason && Date.parse(r.time) >= t0)), { timeoutMs: 5000, intervalMs: 50 });
    return took;
  }

  beforeAll(async () => {
    await ensureReconcilerBuilt();
    // Inside the plane's temp dir: every cleanup path (teardown, Ctrl-C, kill -9 watchdog, next run) removes it.
    tmp = fs.mkdtempSync(path.join(info.workDir, 'reconciler-restart-'));
    // The reconcilers run with a token of the ServiceAccount (exactly the synthesized Role), signed with the
    // plane's key, which a restarted API server keeps.
    const deployed = await deployWithReconcilers({
      client, info, namespacePrefix: 'rec-restart', dbs: initial, registry, dir: tmp, fieldManager: FIELD_MANAGER,
      env: {
        LEASE_DURATION_SECONDS: String(LEASE_SECONDS),
        RESYNC_SECONDS: String(RESYNC_SECONDS),
        // debug: the log then names the watch event behind each pass ("reconcile requested").
        LOG_LEVEL: 'debug',
      },
    });
    ({ ns, desired } = deployed);
    nodes.push(...deployed.nodes);
  });

  afterAll(async () => {
    for (const f of faults) f.remove();
    // Whatever happened above, leave the shared plane serving for the next file.
    await waitFor('kube-apiserver /readyz 200 after the restart tests', async () => (await probe(`${info.apiserverUrl}/readyz`)) === 200,
      { timeoutMs: 60_000 }).catch((e) => log(String(e)));
    await stopFleet({ nodes, info, logName: 'reconciler-restart-e2e.log', tmp });
    if (ns) await deleteNamespace(client, ns);
    if (restarts.length > 0) {
      log(`kube-apiserver restarts: ${restarts.map((r) => `down ${r.downMs} ms (old process gone after ${r.exitMs} ms, new one ready ${r.startMs} ms after its start)`).join('; ')}`);
    }
  });

  it('converges first: cluster formed, databases with their ports, EndpointSlices, master label, status ConfigMap', async () => {
    const t0 = Date.now();
    await waitFor('converged', async (observe) => converged(declaredNames(), observe), { timeoutMs: 180_000 });
    log(`converged ${Date.now() - t0} ms after the reconcilers started`);
    expect(declaredNames()).toEqual(['cache', 'orders', 'session-cache', 'sessions']);
    await expectConverged();
    // Every sidecar says its node is in the cluster (as in reconciler.test.ts): a sidecar whose pass is stuck
    // cannot take over the cluster duties when a restart moves the Lease to it.
    for (const n of nodes) {
      await waitFor(`${n.pod} /readyz 200`, async (observe) => {
        const res = await fetch(`http://127.0.0.1:${n.port}/readyz`);
        const unauthorizedPolls = records(n).filter((r) => r.msg === 'bootstrap status not readable yet' && /HTTP 401/.test(r.error ?? '')).length;
        observe(`${res.status} ${(await res.text()).trim()}; GET /v1/bootstrap polls answered 401 so far: ${unauthorizedPolls}; ${logTails().find((t) => t.startsWith(n.pod))}`);
        return res.status === 200;
      }, { timeoutMs: 60_000 });
    }

    secretsBefore = await secrets();
    // The admin credentials and one password Secret per database, all created by the reconciler.
    expect([...secretsBefore.keys()].sort()).toEqual([REC, ...desired.databases.map((d) => d.passwordSecretName)].sort());
    bdbUidsBefore = new Map(cluster().bdbs.list().map((b) => [String(b.config.name), b.uid]));
    statusBefore = await status();
  });

  it('restarts kube-apiserver gracefully on the same port, with its state; the harness tracks the new process', async () => {
    watchRestartsBefore = await watchRestarts();
    const before = apiServerProcess(info);
    const r = await restartApiServer(info, { signal: 'SIGTERM' });
    restarts.push(r);
    log(`kube-apiserver restarted (SIGTERM): down ${r.downMs} ms; old process gone after ${r.exitMs} ms, new one ready ${r.startMs} ms after its start`);

    expect(r.oldPid).toBe(before.pid);
    expect(r.newPid).not.toBe(before.pid);
    expect(r.restarts).toBe(before.restarts + 1);
    expect(runsApiServer(info, r.newPid)).toBe(true);
    expect(runsApiServer(info, r.oldPid)).toBe(false);
    // Interrupted-run cleanup (exit handlers, watchdog, next run's reaper) sees the new process, not the old one.
    const procs = readPlaneProcesses(info);
    const record = JSON.parse(fs.readFileSync(procs.runRecord, 'utf8')) as RunRecord;
    expect(record.pgids).toContain(r.newPid);
    expect(record.pgids).not.toContain(r.oldPid);
    expect(record.pgids).toEqual(Object.values(procs.components).map((c) => c.pid));
    // Same URL, and the state is etcd's: the namespace and its Secrets are the same objects.
    expect((await client.call('GET', '/version')).gitVersion).toBe(info.versions.kubernetes);
    expect(await secrets()).toEqual(secretsBefore);
  });

  it('resumes its watches after the restart: every reconciler re-watched, and a deleted EndpointSlice is repaired', async () => {
    // Each reconciler's watches ended with the old server and were started again.
    await waitFor('every reconciler restarted its watches', async (observe) => {
      const now = await watchRestarts();
      observe({ before: watchRestartsBefore, now });
      return now.every((v, i) => v > watchRestartsBefore[i]);
    }, { timeoutMs: 60_000 });
    await waitFor('converged after the restart', async (observe) => converged(declaredNames(), observe), { timeoutMs: 120_000 });
    recoveredAt.set(restarts[0], Date.now());
    log(`status clean ${Date.now() - restarts[0].readyAt} ms after the API server was ready again`);
    const took = await repairAfterDelete('orders');
    log(`EndpointSlice repaired ${took} ms after its deletion, after the graceful restart`);
    await expectConverged();
    expect(await secrets()).toEqual(secretsBefore);
  });

  it('survives a crash restart of kube-apiserver during REST faults while a database added in code is being created', async () => {
    // The create of the added database takes effect and its answer is lost: the reconciler cannot know it
    // worked, and the API server dies right then. The next pass must find the database, not create another.
    const lostCreate = registry.faults.add({ kind: 'drop', method: 'POST', path: '/v1/bdbs', times: 1, afterHandling: true });
    // And the first update is answered "busy" (another change running): it must be retried, not dropped.
    const busyUpdate = registry.faults.add({ kind: 'busy', method: 'PUT', path: /^\/v1\/bdbs\/\d+$/, times: 1 });
    faults = [lostCreate, busyUpdate];
    try {
      // In code: a database added, and `cache` grown (an update, which the busy answers below may hit).
      const objects = productionObjectsWith(ns, [{ ...initial[0], memorySize: '200MB' }, initial[1], added]);
      desired = desiredOf(objects);
      expect(declaredNames()).toEqual(['cache', 'orders', 'session-cache', 'sessions', 'wishlists']);
      await client.apply(objects, FIELD_MANAGER);
      const t0 = Date.now();
      await waitFor(`the create of ${added.name} reached the REST API`, async (observe) => {
        observe(logTails());
        return lostCreate.fired > 0 || undefined;
      }, { timeoutMs: 60_000, intervalMs: 10 });
      log(`${added.name} created on the REST side (answer dropped) ${Date.now() - t0} ms after the apply`);
      expect(cluster().bdbs.byName(added.name)).toBeDefined();

      // From now on the REST API misbehaves too, through the outage and for a while after it.
      faults.push(
        registry.faults.add({ kind: 'error', status: 503, rate: 0.3 }),
        registry.faults.add({ kind: 'busy', method: 'PUT', rate: 0.5 }),
        registry.faults.add({ kind: 'drop', method: 'GET', path: '/v1/bdbs', times: 3 }),
        registry.faults.add({ kind: 'latency', latencyMs: 200, rate: 0.2 }),
      );
      const faultsFrom = Date.now();
      watchRestartsBefore = await watchRestarts();
      const r = await restartApiServer(info, { signal: 'SIGKILL' });
      restarts.push(r);
      log(`kube-apiserver restarted (SIGKILL, REST faults on): down ${r.downMs} ms; old process gone after ${r.exitMs} ms, new one ready ${r.startMs} ms after its start`);
      // The faults stay on through the outage and until the reconcilers, talking to the new API server,
      // have met them again: a 503 and a dropped GET /v1/bdbs after its /readyz. (A pass fails on its first
      // fault, so which ones it meets, and how many passes the backoff allows, vary.) The event, not a span of time.
      const [, , error, , drop] = faults;
      const atReady = { error: error.fired, drop: drop.fired };
      await waitFor('a 503 and a drop after the crash restart', async (observe) => {
        observe({ atReady, now: faults.map((f) => `${f.spec.kind}: ${f.fired}`) });
        return error.fired > atReady.error && drop.fired > atReady.drop;
      }, { timeoutMs: 180_000 });
      log(`REST faults fired over ${Date.now() - faultsFrom} ms: ${faults.map((f) => `${f.spec.kind}${f.spec.method ? ` ${f.spec.method}` : ''}: ${f.fired}`).join(', ')}`);
      for (const f of faults) f.remove();
      faults = [];

      const t1 = Date.now();
      await waitFor('converged after faults and the crash restart', async (observe) => {
        let seen: unknown;
        const ok = await converged(declaredNames(), (st) => { seen = st; });
        observe({ status: seen, leaseHolder: await leaseHolder(), logs: logTails() });
        return ok;
      }, { timeoutMs: 180_000 });
      recoveredAt.set(r, Date.now());
      log(`converged ${Date.now() - t1} ms after the faults stopped, ${Date.now() - r.readyAt} ms after the API server was ready again`);
      const now = await watchRestarts();
      expect(now.every((v, i) => v > watchRestartsBefore[i])).toBe(true);
    } finally {
      for (const f of faults) f.remove();
      faults = [];
    }
  });

  it('ends in the same converged state: no database lost or recreated, the added one created once', async () => {
    await expectConverged();
    for (const [name, uid] of bdbUidsBefore) expect(cluster().bdbs.byName(name)?.uid).toBe(uid);
    expect(cluster().bdbs.list().filter((b) => b.config.name === added.name)).toHaveLength(1);
    // The status entries of the databases that were there before are unchanged.
    const s = await status();
    for (const d of statusBefore.databases) expect(s.databases.find((x: any) => x.name === d.name)).toEqual(d);
    expect(s.nodes).toEqual(statusBefore.nodes);
  });

  it('overwrote no Secret: same uid, resourceVersion and data; only the added database\'s Secret is new', async () => {
    const after = await secrets();
    for (const [name, mark] of secretsBefore) expect({ name, ...after.get(name) }).toEqual({ name, ...mark });
    const wishlists = desired.databases.find((d) => d.name === added.name)!;
    expect([...after.keys()].filter((n) => !secretsBefore.has(n))).toEqual([wishlists.passwordSecretName]);
  });

  it('keeps repairing through its watches after the crash restart', async () => {
    const took = await repairAfterDelete(added.name);
    log(`EndpointSlice repaired ${took} ms after its deletion, after the crash restart`);
    await expectConverged();
  });

  it('kept every reconciler process alive and healthy, and was forbidden nothing outside the restarts', async () => {
    let duringRestarts = 0;
    for (const n of nodes) {
      expect({ pod: n.pod, exitCode: n.proc!.exitCode, signal: n.proc!.signalCode }).toEqual({ pod: n.pod, exitCode: null, signal: null });
      const res = await fetch(`http://127.0.0.1:${n.port}/healthz`);
      expect({ pod: n.pod, status: res.status, body: (await res.text()).trim() }).toMatchObject({ pod: n.pod, status: 200 });
      // A starting API server serves before its RBAC caches are filled and may answer 403 "RBAC: role ...
      // not found". A 403 is the restart's only between its signal and the fleet's convergence after it
      // (events, not a span of time); outside those windows the synthesized Role must be enough.
      for (const line of n.log.split('\n').filter((l) => /forbidden/i.test(l))) {
        let at = NaN;
        try { at = Date.parse(JSON.parse(line).time); } catch { /* not a log record: counts as outside */ }
        const inWindow = restarts.some((r) => at >= r.signalledAt && at <= (recoveredAt.get(r) ?? r.readyAt));
        expect({ pod: n.pod, line, inWindow }).toEqual({ pod: n.pod, line, inWindow: true });
        duringRestarts++;
      }
    }
    log(`403 answers while an API server was starting (RBAC caches not yet filled): ${duringRestarts}`);
  });
});
