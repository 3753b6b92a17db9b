/**
 * Issue 2 item 7: time and memory to synthesize 1, 10 and 100 Redis
 * Enterprise clusters, each in its own namespace (one Chart per namespace,
 * one App, `app.synthYaml()`), beside the hand-written equivalent in
 * baseline/plain-cluster.ts (read its header for what "equivalent" means).
 */
import * as path from 'path';
import { Benchmark, ComparisonRow } from './benchmark';
import { synthBaseline, synthOurs } from './cluster-sides';
import { assertEquivalent } from './equivalence';
import { median, memoryInChild, timeInterleaved } from './harness';

/** Timed runs and a time budget per size, to keep the whole bench under 60 s on 2 cores. */
const SIZES = [
  { n: 1, runs: 200, budgetMs: 3000 },
  { n: 10, runs: 30, budgetMs: 5000 },
  { n: 100, runs: 3, budgetMs: 12000 },
];

const SIDES_MODULE = path.join(__dirname, 'cluster-sides.ts');
export const CLUSTER_BASELINE_HINT = 'Update bench/baseline/plain-cluster.ts to emit exactly what RedisEnterpriseCluster emits now.';

export const synthClustersBenchmark: Benchmark = {
  name: 'synth',
  title: 'synthesize N clusters, one namespace each: RedisEnterpriseCluster vs hand-written k8s.Kube* objects',
  run() {
    const notes: string[] = [];
    const rows: ComparisonRow[] = [];
    for (const { n, runs, budgetMs } of SIZES) {
      // The check is also the warm-up: each side synthesized once, compared field by field; a difference throws.
      const ours = synthOurs(n).yaml;
      assertEquivalent(`synth clusters, n=${n}`, ours, synthBaseline(n).yaml, CLUSTER_BASELINE_HINT);
      if (n === 1) notes.push(`equivalence (checked at every n): same objects, field by field; YAML per cluster ${Buffer.byteLength(ours)} B`);
      const [oursMs, baselineMs] = timeInterleaved([() => synthOurs(n), () => synthBaseline(n)], runs, budgetMs, false);
      rows.push({
        case: 'synth clusters',
        n,
        ours: { runsMs: oursMs, medianMs: median(oursMs), ...memoryInChild(SIDES_MODULE, 'synthOurs', n) },
        baseline: { runsMs: baselineMs, medianMs: median(baselineMs), ...memoryInChild(SIDES_MODULE, 'synthBaseline', n) },
      });
    }
    return { rows, notes };
  },
};
