/**
 * The reconciler's figures (issue 13 item 4), measured on the real control
 * plane (bench/reconciler-plane.ts) with the reconciler as separate
 * processes (bench/reconciler-processes.ts: the built main.js, one per pod,
 * as the `<rec>` ServiceAccount), each talking to its pod's REST API double
 * in this process. The namespace is set up the envtest way
 * (test/e2e/reconciler-in-process/support/fleet.ts: the synthesized RBAC and
 * desired-state ConfigMap, one Pod per node on a kwok node). Everything the
 * figures count is seen from outside the reconciler: watch events of an
 * admin client, the reconciler's /metrics and /readyz, /proc/<pid>/status.
 */
import { performance } from 'node:perf_hooks';
import { KubeClient as WatchClient } from '../lib/reconciler/io/kube-client';
import { kubeconfigConnection } from '../lib/reconciler/io/kube-config';
import { WatchEvent, WatchHandle, WatchKind } from '../lib/reconciler/io/kube-api';
import { M } from '../lib/reconciler/runtime/metrics';
import { KubeObject } from '../test/support/kube-client';
import { ProcessFleet } from './reconciler-fleet';
import { BenchPlane } from './reconciler-plane';
import { peakRssMiB, scrape, stopProcess, sum, untilReady } from './reconciler-processes';

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ports 10000 upward without 10050, which Redis Software reserves. */
const port = (i: number) => (10000 + i >= 10050 ? 10001 + i : 10000 + i);

/** A watch of one kind in the fleet's namespace as the admin, each event stamped on arrival. */
async function watchKind(plane: BenchPlane, ns: string, kind: WatchKind, onEvent: (ev: WatchEvent, at: number) => void): Promise<{ handle: WatchHandle; client: WatchClient }> {
  const client = new WatchClient(kubeconfigConnection(plane.info.kubeconfig), ns);
  const { resourceVersion } = await client.list(kind, {});
  const handle = await client.watch(kind, { resourceVersion, onEvent: (ev) => onEvent(ev, performance.now()), onClose: () => undefined });
  return { handle, client };
}

export interface FormFigures { n: number; seconds: number }
export interface SteadyFigures {
  seconds: number;
  resyncSeconds: number;
  passes: number;
  kubeWritesPerMin: number;
  leaseWritesPerMin: number;
  auditEventsPerMin: number;
  auditByKind: Record<string, number>;
  restWritesPerMin: number;
  restReadsPerMin: number;
}
export interface RepairFigures { trials: number; medianMs: number; p99Ms: number; maxMs: number }
export interface StartupFigures { trials: number; medianMs: number; p99Ms: number }
export interface ScaleFigures {
  n: number;
  fullSeconds: number;
  lastPassSeconds: number;
  leaderPeakRssMiB: number;
  maxPeakRssMiB: number;
  /** Kubernetes writes of all processes until formed, by resource (Lease renewals apart): where the time goes. */
  kubeWrites: Record<string, number>;
  restRequests: number;
}

const STEADY_ENV = (resyncSeconds: number) => ({ RESYNC_SECONDS: String(resyncSeconds), LEASE_DURATION_SECONDS: '15' });

/** Three processes start on an empty namespace: the time until the cluster is formed and `n` databases are active with their slices. */
export async function formFromNothing(f: ProcessFleet, n: number, env: Record<string, string>): Promise<FormFigures> {
  const t0 = performance.now();
  f.spawnAll(env);
  await f.untilFormed(n, 120_000, 50);
  return { n, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Writes with nothing changing, over `seconds`: Kubernetes writes by the
 * reconcilers' own /metrics counters (Lease renewals apart), the same as
 * seen by an audit watch of every kind it writes and a watch can follow
 * (ConfigMaps, Secrets, EndpointSlices, Pods), and the REST double's log.
 * A short resync makes the window busy: every process runs a full pass
 * every `resyncSeconds`, so a write that a pass should not make shows up
 * many times.
 */
export async function steadyWrites(f: ProcessFleet, seconds: number, resyncSeconds: number): Promise<SteadyFigures> {
  const audit: Record<string, number> = {};
  const watches = await Promise.all((['configmaps', 'secrets', 'endpointslices', 'pods'] as WatchKind[]).map((kind) =>
    watchKind(f.plane, f.fleet.ns, kind, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') audit[kind] = (audit[kind] ?? 0) + 1;
    })));
  try {
    for (const k of ['configmaps', 'secrets', 'endpointslices', 'pods']) audit[k] = 0;
    const totals = async () => {
      const all = (await Promise.all(f.processes.map((p) => scrape(p)))).flat();
      return {
        writes: sum(all, M.kubeWrites, (l) => l.resource !== 'leases'),
        lease: sum(all, M.kubeWrites, (l) => l.resource === 'leases'),
        passes: sum(all, M.reconciles),
      };
    };
    const before = await totals();
    const mark = f.fleet.registry.requestLog.mark();
    await sleep(seconds * 1000);
    const after = await totals();
    const perMin = (x: number) => (x * 60) / seconds;
    const auditTotal = Object.values(audit).reduce((a, b) => a + b, 0);
    return {
      seconds, resyncSeconds,
      passes: after.passes - before.passes,
      kubeWritesPerMin: perMin(after.writes - before.writes),
      leaseWritesPerMin: perMin(after.lease - before.lease),
      auditEventsPerMin: perMin(auditTotal),
      auditByKind: { ...audit },
      restWritesPerMin: perMin(f.fleet.registry.requestLog.mutations({ since: mark }).length),
      restReadsPerMin: perMin(f.fleet.registry.requestLog.entries({ since: mark }).length - f.fleet.registry.requestLog.mutations({ since: mark }).length),
    };
  } finally {
    for (const w of watches) {
      w.handle.stop();
      w.client.close();
    }
  }
}

const BROKEN = '10.250.0.1';

/**
 * EndpointSlice drift repair: the slice `<db>` deleted or edited to a wrong
 * address (alternately) by the admin; the figure runs from the watch event
 * of that change to the watch event of the repaired slice, both on one
 * watch of the admin's, so neither a polling interval nor this process's
 * request time is in it.
 */
export async function repairLatency(f: ProcessFleet, db: string, trials: number): Promise<RepairFigures> {
  const good = (await f.fleet.slice(db))?.endpoints?.[0]?.addresses?.[0];
  if (!good) throw new Error(`slice ${db} has no endpoint to repair towards`);
  let waiter: { broken?: number; resolve: (ms: number) => void } | undefined;
  const w = await watchKind(f.plane, f.fleet.ns, 'endpointslices', (ev, at) => {
    const slice = ev.object as KubeObject;
    if (!waiter || slice.metadata?.name !== db) return;
    const address = slice.endpoints?.[0]?.addresses?.[0];
    if (ev.type === 'DELETED' || (ev.type === 'MODIFIED' && address === BROKEN)) waiter.broken ??= at;
    else if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && address === good && waiter.broken !== undefined) waiter.resolve(at - waiter.broken);
  });
  const ref = f.fleet.ref('discovery.k8s.io/v1', 'EndpointSlice', db);
  const path = await f.plane.client.pathFor(ref);
  try {
    const samples: number[] = [];
    for (let i = 0; i < trials; i++) {
      const repaired = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`trial ${i}: slice ${db} not repaired within 10 s`)), 10_000);
        waiter = { resolve: (ms) => { clearTimeout(timer); resolve(ms); } };
      });
      if (i % 2 === 0) {
        await f.plane.client.delete(ref);
      } else {
        const live = (await f.fleet.slice(db))!;
        await f.plane.client.call('PUT', path, { ...live, endpoints: [{ addresses: [BROKEN] }] });
      }
      samples.push(await repaired);
      waiter = undefined;
      // Let the reconciler's pass triggered by its own write end before the next change.
      await sleep(50);
    }
    samples.sort((a, b) => a - b);
    return { trials, medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: samples[samples.length - 1] };
  } finally {
    w.handle.stop();
    w.client.close();
  }
}

/** Start-up to Ready (/readyz 200: desired state read, node in the cluster) of one node's process, restarted `trials` times in a formed cluster. */
export async function startup(f: ProcessFleet, node: number, trials: number, env: Record<string, string>): Promise<StartupFigures> {
  const samples: number[] = [];
  for (let i = 0; i < trials; i++) {
    await stopProcess(f.processes[node]);
    const t0 = performance.now();
    await untilReady(f.spawn(node, env));
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { trials, medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

/** The small cluster's figures, in one namespace: formed from nothing, steady state, repair, start-up. */
export async function smallCluster(plane: BenchPlane, o: { steadySeconds: number; repairTrials: number; startupTrials: number; log: (m: string) => void }) {
  const f = await ProcessFleet.create(plane, 'bench-reconciler', [{ name: 'cache', port: 12000 }, { name: 'a', port: 12001 }, { name: 'b', port: 12002 }]);
  try {
    const resync = 2;
    const form = await formFromNothing(f, 3, STEADY_ENV(resync));
    o.log(`formed in ${form.seconds.toFixed(2)} s; steady state for ${o.steadySeconds} s`);
    await sleep(1000);
    const steady = await steadyWrites(f, o.steadySeconds, resync);
    // Repairs and start-ups with the default-length resync out of the way: what is timed is the watch path.
    await f.stopAll();
    f.spawnAll(STEADY_ENV(3600));
    await Promise.all(f.processes.map((p) => untilReady(p)));
    await f.untilFormed(3, 60_000);
    o.log(`repair: ${o.repairTrials} trials`);
    const repair = await repairLatency(f, 'cache', o.repairTrials);
    const leader = await f.leader();
    const follower = f.processes.findIndex((p) => p !== leader);
    o.log(`start-up: ${o.startupTrials} trials`);
    const up = await startup(f, follower, o.startupTrials, STEADY_ENV(3600));
    return { form, steady, repair, up };
  } finally {
    await f.dispose();
  }
}

/**
 * A full reconcile of `n` databases from nothing: 3 processes on a fresh
 * namespace until the status shows all `n` active and their 2n slices
 * exist (polled every 250 ms), then each process's VmHWM and the duration
 * of a resync pass with everything in line (the leader's /metrics gauge
 * after two more passes: the first may have started before the last write).
 */
const SCALE_RESYNC_SECONDS = 5;

export async function scale(plane: BenchPlane, n: number, log: (m: string) => void): Promise<ScaleFigures> {
  const dbs = Array.from({ length: n }, (_, i) => ({ name: `db-${String(i).padStart(4, '0')}`, port: port(i), memorySize: '100MB' }));
  // 3 × 48Gi: 80% (REDB019) holds 1,000 × 100MB.
  const f = await ProcessFleet.create(plane, 'bench-scale', dbs, '48Gi');
  try {
    const t0 = performance.now();
    f.spawnAll(STEADY_ENV(SCALE_RESYNC_SECONDS));
    await f.untilFormed(n, 300_000, 250);
    const fullSeconds = (performance.now() - t0) / 1000;
    log(`${n} databases reconciled in ${fullSeconds.toFixed(2)} s; waiting for two resync passes`);
    const all = (await Promise.all(f.processes.map((p) => scrape(p)))).flat();
    const kubeWrites: Record<string, number> = {};
    for (const s of all.filter((x) => x.name === M.kubeWrites && x.labels.resource !== 'leases')) {
      kubeWrites[s.labels.resource] = (kubeWrites[s.labels.resource] ?? 0) + s.value;
    }
    const restRequests = sum(all, M.restRequests);
    const leader = await f.leader();
    if (!leader) throw new Error('no leader after the full reconcile');
    const passes = async () => sum(await scrape(leader), M.reconciles);
    const p0 = await passes();
    const deadline = Date.now() + 4 * SCALE_RESYNC_SECONDS * 1000;
    while ((await passes()) < p0 + 2 && Date.now() < deadline) await sleep(100);
    const rss = f.processes.map((p) => peakRssMiB(p.pid));
    return {
      n, fullSeconds,
      lastPassSeconds: sum(await scrape(leader), M.reconcileSeconds),
      leaderPeakRssMiB: peakRssMiB(leader.pid),
      maxPeakRssMiB: Math.max(...rss),
      kubeWrites, restRequests,
    };
  } finally {
    await f.dispose();
  }
}
