/**
 * Issue 4 item 8: time and memory to synthesize
 * (a) 1 cluster × 100 and × 1,000 RedisEnterpriseDatabases, and how time
 *     grows from 100 to 1,000;
 * (b) 10 clusters (one Chart each) × 10 and × 100 Active-Active databases,
 *     each database in all 10 clusters;
 * beside the hand-written equivalent in baseline/plain-databases.ts (read its
 * header for what "equivalent" means). Sizing is explained in
 * databases-sides.ts.
 */
import * as path from 'path';
import { Benchmark, ComparisonRow } from './benchmark';
import {
  ACTIVE_ACTIVE_CLUSTERS, SINGLE_CLUSTER_NODES, synthActiveActiveBaseline, synthActiveActiveOurs, synthDatabasesBaseline, synthDatabasesOurs,
} from './databases-sides';
import { assertEquivalent } from './equivalence';
import { median, memoryInChild, timeInterleaved } from './harness';
import { Synthesized } from './cluster-sides';
import { fixed } from './table';

const SIDES_MODULE = path.join(__dirname, 'databases-sides.ts');
/** Issue 13: t(1000)/t(100) ≤ 11, i.e. growth at most 1.1 × the size ratio. */
const MAX_GROWTH = 11;

interface Size {
  readonly n: number;
  readonly runs: number;
  readonly budgetMs: number;
}

interface Case {
  readonly label: (n: number) => string;
  readonly ours: string;
  readonly baseline: string;
  readonly sizes: readonly [Size, Size];
}

/**
 * Timed runs and a time budget per size, to keep the whole benchmark under
 * ~90 s on 2 cores (a large run takes 1-2 s, each memory figure a fresh
 * process of a few seconds).
 */
const CASES: readonly Case[] = [
  {
    label: () => `1 cluster (${SINGLE_CLUSTER_NODES} nodes) × n databases`,
    ours: 'synthDatabasesOurs',
    baseline: 'synthDatabasesBaseline',
    sizes: [
      { n: 100, runs: 30, budgetMs: 5000 },
      { n: 1000, runs: 5, budgetMs: 12000 },
    ],
  },
  {
    label: () => `${ACTIVE_ACTIVE_CLUSTERS} clusters × n Active-Active databases`,
    ours: 'synthActiveActiveOurs',
    baseline: 'synthActiveActiveBaseline',
    sizes: [
      { n: 10, runs: 15, budgetMs: 5000 },
      { n: 100, runs: 5, budgetMs: 12000 },
    ],
  },
];

const SIDES: Record<string, (n: number) => Synthesized> = {
  synthDatabasesOurs, synthDatabasesBaseline, synthActiveActiveOurs, synthActiveActiveBaseline,
};

export const DATABASES_BASELINE_HINT =
  'Update bench/baseline/plain-databases.ts (plain-cluster.ts for the cluster\'s own objects) to emit exactly what the constructs emit now.';

function kindCounts(yamlText: string): string {
  const counts = new Map<string, number>();
  for (const m of yamlText.matchAll(/^kind: (\S+)$/gm)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${c} ${k}`).join(', ');
}

/** t(large)/t(small) against the linear expectation, with the exponent k of time ∝ n^k. */
function growth(side: string, small: Size, large: Size, tSmall: number, tLarge: number): string {
  const sizeRatio = large.n / small.n;
  const ratio = tLarge / tSmall;
  const k = Math.log(ratio) / Math.log(sizeRatio);
  const verdict = ratio <= sizeRatio * 1.3 ? '~linear' : ratio <= sizeRatio * 3 ? 'worse than linear' : 'far worse than linear (quadratic territory)';
  return `${side} t(${large.n})/t(${small.n}) = ${fixed(ratio, 1)} (linear: ${sizeRatio}; time ∝ n^${fixed(k, 2)}): ${verdict}, ` +
    `${fixed(tSmall / small.n, 2)} → ${fixed(tLarge / large.n, 2)} ms per database`;
}

export const databasesBenchmark: Benchmark = {
  name: 'databases',
  title: 'synthesize many databases (1 cluster) and Active-Active databases (10 clusters): our constructs vs hand-written k8s.Kube* objects',
  run() {
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];
    const unmet: string[] = [];
    for (const c of CASES) {
      const medians: Array<{ ours: number; baseline: number }> = [];
      for (const { n, runs, budgetMs } of c.sizes) {
        const ours = SIDES[c.ours];
        const baseline = SIDES[c.baseline];
        // The check is also the warm-up: each side synthesized once, compared field by field; a difference throws.
        const oursYaml = ours(n).yaml;
        assertEquivalent(c.label(n).replace(' n ', ` ${n} `), oursYaml, baseline(n).yaml, DATABASES_BASELINE_HINT);
        notes.push(`equivalence, ${c.label(n).replace(' n ', ` ${n} `)}: same objects (${kindCounts(oursYaml)}), field by field`);
        const [oursMs, baselineMs] = timeInterleaved([() => ours(n), () => baseline(n)], runs, budgetMs, false);
        medians.push({ ours: median(oursMs), baseline: median(baselineMs) });
        rows.push({
          case: c.label(n),
          n,
          ours: { runsMs: oursMs, medianMs: median(oursMs), ...memoryInChild(SIDES_MODULE, c.ours, n) },
          baseline: { runsMs: baselineMs, medianMs: median(baselineMs), ...memoryInChild(SIDES_MODULE, c.baseline, n) },
        });
      }
      const [small, large] = c.sizes;
      // Against the baseline's own growth: what cdk8s, YAML and GC add grows for both sides alike.
      const relative = (medians[1].ours / medians[0].ours) / (medians[1].baseline / medians[0].baseline);
      const oursGrowth = medians[1].ours / medians[0].ours;
      if (oursGrowth > MAX_GROWTH * (large.n / small.n) / 10) {
        unmet.push(`${c.label(0).replace(' n ', ' ')}: t(${large.n})/t(${small.n}) = ${fixed(oursGrowth, 1)} (goal ≤ ${fixed(MAX_GROWTH * (large.n / small.n) / 10, 0)})`);
      }
      notes.push(`growth, ${c.label(0).replace(' n ', ' ')}: ${growth('ours', small, large, medians[0].ours, medians[1].ours)}; ` +
        `${growth('baseline', small, large, medians[0].baseline, medians[1].baseline)}; ours grows ${fixed(relative, 2)}× as fast as the baseline`);
    }
    return { rows, notes, unmet };
  },
};
