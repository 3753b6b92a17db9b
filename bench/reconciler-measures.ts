/**
 * The reconciler's figures (issue 5 item 7), measured in-process: three
 * reconcilers, one REST API test double instance per node (HTTPS on
 * 127.0.0.1) and the in-memory fake of the Kubernetes API
 * (test/unit/reconciler/support). The fake answers without API server
 * latency, so the figures are the reconciler's own; the e2e suite measures
 * the repair delay against a real kube-apiserver.
 */
import { performance } from 'node:perf_hooks';
import { WatchEvent } from '../lib/reconciler/io/kube-api';
import { EndpointSlice } from '../lib/reconciler/io/kube-types';
import { M } from '../lib/reconciler/runtime/metrics';
import { database, desiredState, MiB } from '../test/unit/reconciler/support/desired';
import { Sim } from '../test/unit/reconciler/support/sim';

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function formed(sim: Sim, dbs: number, timeoutMs = 600_000): Promise<void> {
  await sim.until('converged', () => {
    const cm = sim.kube.get<{ data?: Record<string, string> }>('configmaps', 'rec-status');
    if (!cm?.data?.['status.json']) return false;
    const s = JSON.parse(cm.data['status.json']);
    return s.clusterState === 'Running' && !s.lastError && s.databases.filter((d: { status: string }) => d.status === 'active').length === dbs
      && sim.kube.all('endpointslices').length === dbs * 2;
  }, timeoutMs);
}

export interface RepairFigures { trials: number; medianMs: number; p99Ms: number; maxMs: number }

const BROKEN = '10.250.0.1';

/**
 * Time from an EndpointSlice being deleted or edited (alternately) to its
 * repair, taken when the repaired slice's watch event arrives (a watch of its
 * own on the fake API, so no polling interval is in the figure).
 */
export async function repairLatency(trials: number): Promise<RepairFigures> {
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('cache', 12000)]) });
  let repaired: (() => void) | undefined;
  const onEvent = (ev: WatchEvent) => {
    const slice = ev.object as unknown as EndpointSlice;
    if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && slice.metadata?.name === 'cache' && slice.endpoints?.[0]?.addresses[0] !== BROKEN) repaired?.();
  };
  const watch = await sim.kube.watch('endpointslices', { resourceVersion: '0', onEvent, onClose: () => undefined });
  try {
    await sim.startAll();
    await formed(sim, 1);
    const samples: number[] = [];
    for (let i = 0; i < trials; i++) {
      const before = sim.kube.get<EndpointSlice>('endpointslices', 'cache')!;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('EndpointSlice not repaired within 10 s')), 10_000);
        repaired = () => { clearTimeout(timer); repaired = undefined; resolve(); };
      });
      const t0 = performance.now();
      if (i % 2 === 0) sim.kube.remove('endpointslices', 'cache');
      else sim.kube.put('endpointslices', { ...before, endpoints: [{ addresses: [BROKEN] }] } as never);
      await done;
      samples.push(performance.now() - t0);
      await sim.leaderNode()!.reconciler!.controller.idle();
    }
    samples.sort((a, b) => a - b);
    return { trials, medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: samples[samples.length - 1] };
  } finally {
    watch.stop();
    await sim.stop();
  }
}

export interface SteadyFigures {
  seconds: number;
  resyncSeconds: number;
  passes: number;
  kubeWritesPerMin: number;
  leaseWritesPerMin: number;
  restWritesPerMin: number;
  restReadsPerMin: number;
}

/**
 * Writes per minute with nothing changing. A short resync period makes the
 * window busy (every sidecar runs a full pass every `resyncSeconds`), so a
 * write that a pass should not make would show up many times.
 */
export async function steadyWrites(seconds: number, resyncSeconds = 2): Promise<SteadyFigures> {
  const sim = await Sim.create({
    state: desiredState('rec', 'redis', 3, [database('a', 12000), database('b', 12001), database('c', 12002)]),
    resyncSeconds, leaseDurationSeconds: 15,
  });
  try {
    await sim.startAll();
    await formed(sim, 3);
    await new Promise((r) => setTimeout(r, 1000));
    const leaseWrites = () => sim.kube.writes.filter((w) => w.includes('leases/')).length;
    const passes = () => sim.nodes.reduce((n, x) => n + x.reconciler!.metrics.total(M.reconciles), 0);
    const kube0 = sim.kube.writes.length;
    const lease0 = leaseWrites();
    const mark = sim.registry.requestLog.mark();
    const passes0 = passes();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const perMin = (n: number) => (n * 60) / seconds;
    const lease = leaseWrites() - lease0;
    return {
      seconds,
      resyncSeconds,
      passes: passes() - passes0,
      kubeWritesPerMin: perMin(sim.kube.writes.length - kube0 - lease),
      leaseWritesPerMin: perMin(lease),
      restWritesPerMin: perMin(sim.registry.requestLog.mutations({ since: mark }).length),
      restReadsPerMin: perMin(sim.registry.requestLog.entries({ since: mark }).length),
    };
  } finally {
    await sim.stop();
  }
}

export interface ScaleFigures {
  n: number;
  fullSeconds: number;
  resyncMs: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

/**
 * A full reconcile of N databases from nothing (cluster formed, every
 * database created, both EndpointSlices of each written, status written), then
 * one more pass with everything in line (what a resync costs). Memory is the
 * whole process: reconcilers, test double and fake API together; run it in a
 * fresh process for a clean peak (bench/reconciler.ts does).
 */
export async function scale(n: number): Promise<ScaleFigures> {
  const dbs = Array.from({ length: n }, (_, i) => database(`db-${i}`, 10000 + i, { memorySizeBytes: 1 * MiB }));
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, dbs), registry: { policy: { enforceMemory: false } }, resyncSeconds: 3600 });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 25);
  try {
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await sim.startAll();
    await formed(sim, n, 900_000);
    const full = performance.now() - t0;
    const leader = sim.leaderNode()!.reconciler!;
    const t1 = performance.now();
    leader.controller.trigger('bench');
    await leader.controller.idle();
    const resync = performance.now() - t1;
    sample();
    // maxRSS (KiB) catches a peak between two samples.
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    return { n, fullSeconds: full / 1000, resyncMs: resync, rssBeforeMiB: rss0 / MiB, peakRssMiB: peakRss / MiB, peakHeapMiB: peakHeap / MiB };
  } finally {
    clearInterval(sampler);
    await sim.stop();
  }
}

export interface StartupFigures { trials: number; medianMs: number; p99Ms: number }

/** Start-up to ready (desired state read, node in the cluster, maintenance check done) of a sidecar whose node is in a formed cluster. */
export async function startup(trials: number): Promise<StartupFigures> {
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('a', 12000)]) });
  try {
    await sim.startAll();
    await formed(sim, 1);
    const samples: number[] = [];
    const node = sim.nodes[2];
    for (let i = 0; i < trials; i++) {
      await node.reconciler!.stop();
      const t0 = performance.now();
      const r = await sim.startReconciler(node, true);
      await sim.until('ready', () => r.controller.state.nodeBootstrapped && r.controller.state.desiredStateLoaded && r.maintenance.settledAfterStart, 10_000);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { trials, medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99) };
  } finally {
    await sim.stop();
  }
}
