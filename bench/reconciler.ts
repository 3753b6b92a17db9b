/**
 * Reconciler benchmarks (issue 5 item 7), run in-process: the reconcilers,
 * the REST API test double (HTTPS on 127.0.0.1) and an in-memory fake of the
 * Kubernetes API (test/unit/reconciler/support/fake-kube.ts). The fake has no
 * API server latency, so the figures measure the reconciler itself; the e2e
 * suite prints the same repair delay against the real API server.
 *
 *   npx ts-node --transpile-only bench/reconciler.ts [repair|steady|scale|startup]...
 *
 * Baseline: Argo CD self-heal. Its application controller re-syncs drift at
 * the earliest `--self-heal-timeout-seconds` after the previous attempt
 * (documented default 5 s in 2.x; newer releases back off from 2 s, x3, up to
 * 300 s), after it notices the drift (cluster cache watch; otherwise the
 * `--app-resync` poll of 120-180 s).
 */
import { performance } from 'node:perf_hooks';
import { EndpointSlice } from '../lib/reconciler/kube-types';
import { M } from '../lib/reconciler/metrics';
import { database, desiredState, MiB } from '../test/unit/reconciler/support/desired';
import { Sim } from '../test/unit/reconciler/support/sim';

const ARGO_SELF_HEAL_MS = 5000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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

/** Time from an EndpointSlice being deleted or edited to its repair. */
export async function repairLatency(trials = 200): Promise<string[]> {
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('cache', 12000)]) });
  try {
    await sim.startAll();
    await formed(sim, 1);
    const samples: number[] = [];
    for (let i = 0; i < trials; i++) {
      const before = sim.kube.get<EndpointSlice>('endpointslices', 'cache')!;
      const t0 = performance.now();
      if (i % 2 === 0) sim.kube.remove('endpointslices', 'cache');
      else sim.kube.put('endpointslices', { ...before, endpoints: [{ addresses: ['10.250.0.1'] }] } as never);
      await sim.until('repaired', () => {
        const s = sim.kube.get<EndpointSlice>('endpointslices', 'cache');
        return !!s && s.endpoints.length > 0 && s.endpoints[0].addresses[0] !== '10.250.0.1' && s.metadata.resourceVersion !== before.metadata.resourceVersion;
      }, 10_000);
      samples.push(performance.now() - t0);
      await sim.leaderNode()!.reconciler!.controller.idle();
    }
    samples.sort((a, b) => a - b);
    return [
      `EndpointSlice repair (delete/edit alternately), ${trials} trials: median ${percentile(samples, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(samples, 99).toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms ` +
      `(baseline Argo CD self-heal: >= ${ARGO_SELF_HEAL_MS} ms after detection; ratio ${(ARGO_SELF_HEAL_MS / percentile(samples, 50)).toFixed(0)}x)`,
      '  (the 20 ms poll of this harness is included in each sample)',
    ];
  } finally {
    await sim.stop();
  }
}

/** Writes per minute with nothing changing (resync every 5 s to make the minute busy). */
export async function steadyWrites(seconds = 60): Promise<string[]> {
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('a', 12000), database('b', 12001), database('c', 12002)]), resyncSeconds: 5, leaseDurationSeconds: 15 });
  try {
    await sim.startAll();
    await formed(sim, 3);
    await new Promise((r) => setTimeout(r, 2000));
    const kube0 = sim.kube.writes.length;
    const lease0 = sim.kube.writes.filter((w) => w.includes('leases/')).length;
    const rest0 = sim.registry.requestLog.entries({ mutating: true }).length;
    const reads0 = sim.registry.requestLog.entries().length;
    const passes0 = sim.nodes.reduce((n, x) => n + x.reconciler!.metrics.total(M.reconciles), 0);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const perMin = (n: number) => (n * 60 / seconds).toFixed(1);
    const lease = sim.kube.writes.filter((w) => w.includes('leases/')).length - lease0;
    const kube = sim.kube.writes.length - kube0 - lease;
    const passes = sim.nodes.reduce((n, x) => n + x.reconciler!.metrics.total(M.reconciles), 0) - passes0;
    return [
      `steady state over ${seconds} s, 3 sidecars, 3 databases, resync 5 s (${passes} passes): ` +
      `Kubernetes writes ${perMin(kube)}/min (+ Lease renewals ${perMin(lease)}/min, Lease 15 s), ` +
      `REST writes ${perMin(sim.registry.requestLog.entries({ mutating: true }).length - rest0)}/min, ` +
      `REST reads ${perMin(sim.registry.requestLog.entries().length - reads0)}/min`,
    ];
  } finally {
    await sim.stop();
  }
}

/** A full reconcile of N databases from nothing: time and peak memory. */
export async function scale(n = 1000): Promise<string[]> {
  const dbs = Array.from({ length: n }, (_, i) => database(`db-${i}`, 10000 + i, { memorySizeBytes: 1 * MiB }));
  const sim = await Sim.create({ state: desiredState('rec', 'redis', 3, dbs), registry: { policy: { enforceMemory: false } }, resyncSeconds: 3600 });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  try {
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await sim.startAll();
    await formed(sim, n, 900_000);
    const full = performance.now() - t0;
    // A second full pass with everything in line (what a resync costs).
    const leader = sim.leaderNode()!.reconciler!;
    const t1 = performance.now();
    leader.controller.trigger('bench');
    await leader.controller.idle();
    const resync = performance.now() - t1;
    return [
      `${n} databases from nothing to active with EndpointSlices: ${(full / 1000).toFixed(1)} s; ` +
      `peak RSS ${(peakRss / MiB).toFixed(0)} MiB (+${((peakRss - rss0) / MiB).toFixed(0)} MiB, includes the test double and fake API in the same process), ` +
      `peak heap ${(peakHeap / MiB).toFixed(0)} MiB; an in-line resync pass over ${n}: ${resync.toFixed(0)} ms`,
    ];
  } finally {
    clearInterval(sampler);
    await sim.stop();
  }
}

/** Start-up to ready (node in the cluster, desired state read) of one sidecar joining a formed cluster. */
export async function startup(trials = 20): Promise<string[]> {
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
      await sim.until('ready', () => r.controller.state.nodeBootstrapped && r.controller.state.desiredStateLoaded, 10_000);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return [`start-up to ready (in-process, node already in the cluster), ${trials} trials: median ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms ` +
      '(process start adds loading @kubernetes/client-node, measured separately with `node -e "require(\'@kubernetes/client-node\')"`)'];
  } finally {
    await sim.stop();
  }
}

const ALL: Record<string, () => Promise<string[]>> = { repair: () => repairLatency(), steady: () => steadyWrites(), scale: () => scale(), startup: () => startup() };

async function main(args: string[]): Promise<void> {
  const names = args.length > 0 ? args : Object.keys(ALL);
  for (const name of names) {
    const run = ALL[name];
    if (!run) throw new Error(`unknown reconciler benchmark ${name}; known: ${Object.keys(ALL).join(', ')}`);
    for (const line of await run()) console.log(line);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
