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
import * as yaml from 'js-yaml';
import { Benchmark, ComparisonRow } from './benchmark';
import {
  ACTIVE_ACTIVE_CLUSTERS, SINGLE_CLUSTER_NODES, synthActiveActiveBaseline, synthActiveActiveOurs, synthDatabasesBaseline, synthDatabasesOurs,
} from './databases-sides';
import { median, memoryInChild, timeInterleaved } from './harness';
import { Synthesized } from './cluster-sides';
import { fixed } from './table';

const SIDES_MODULE = path.join(__dirname, 'databases-sides.ts');

interface Size {
  readonly n: number;
  readonly runs: number;
  readonly budgetMs: number;
  /** The large size skips its warm-up: the small one already ran the same code. */
  readonly warmUp: boolean;
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
      { n: 100, runs: 5, budgetMs: 5000, warmUp: true },
      { n: 1000, runs: 5, budgetMs: 12000, warmUp: false },
    ],
  },
  {
    label: () => `${ACTIVE_ACTIVE_CLUSTERS} clusters × n Active-Active databases`,
    ours: 'synthActiveActiveOurs',
    baseline: 'synthActiveActiveBaseline',
    sizes: [
      { n: 10, runs: 5, budgetMs: 5000, warmUp: true },
      { n: 100, runs: 5, budgetMs: 12000, warmUp: false },
    ],
  },
];

const SIDES: Record<string, (n: number) => Synthesized> = {
  synthDatabasesOurs, synthDatabasesBaseline, synthActiveActiveOurs, synthActiveActiveBaseline,
};

/**
 * The one difference k8s.Kube* cannot avoid (see baseline/plain-cluster.ts):
 * removed from our objects before they are compared.
 */
function withoutKnownGap(doc: any): any {
  for (const t of doc.kind === 'StatefulSet' ? doc.spec?.volumeClaimTemplates ?? [] : []) {
    delete t.apiVersion;
    delete t.kind;
  }
  return doc;
}

/** Objects the baseline takes unchanged from baseline/plain-cluster.ts (`addPlainCluster`), by kind/name. */
const CLUSTER_OBJECTS = new Set([
  'ServiceAccount/rec', 'Role/rec', 'RoleBinding/rec', 'StatefulSet/rec', 'Service/rec', 'Service/rec-ui', 'Service/rec-prom',
  'Service/rec-nodes', 'PodDisruptionBudget/rec',
]);

function kindCounts(docs: any[]): string {
  const counts = new Map<string, number>();
  for (const d of docs) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${c} ${k}`).join(', ');
}

/**
 * Keeps the comparison honest as the constructs evolve: the baseline is a
 * transcription of their output, so the objects (count, kinds, and every
 * field, the desired-state JSON included) should be equal. Checked at the
 * small size of each case; the large size runs the same loops. A mismatch
 * is reported, not fatal: the timings still mean something.
 */
function checkEquivalence(c: Case, n: number): string {
  const a = SIDES[c.ours](n).yaml;
  const b = SIDES[c.baseline](n).yaml;
  const docsA = (yaml.loadAll(a) as any[]).map(withoutKnownGap);
  const docsB = yaml.loadAll(b) as any[];
  const differing = new Map<string, number>();
  docsA.forEach((d, i) => {
    if (JSON.stringify(d) === JSON.stringify(docsB[i])) return;
    const key = `${d.kind}/${d.metadata?.name}${CLUSTER_OBJECTS.has(`${d.kind}/${d.metadata?.name}`) ? ' (from plain-cluster.ts)' : ''}`;
    differing.set(key, (differing.get(key) ?? 0) + 1);
  });
  const kindsA = kindCounts(docsA);
  const kindsB = kindCounts(docsB);
  const verdict = differing.size === 0 && docsA.length === docsB.length
    ? `same ${docsA.length} objects (${kindsA}), in the same order, equal field by field apart from the known gap (claim template apiVersion/kind)`
    : `OBJECTS DIFFER: ours ${docsA.length} (${kindsA}), baseline ${docsB.length}${kindsA === kindsB ? ', same kinds' : ` (${kindsB})`}; ` +
      `differing: ${[...differing].map(([k, count]) => (count > 1 ? `${k} ×${count}` : k)).join(', ') || 'none, count only'}: ` +
      'update bench/baseline/plain-databases.ts (plain-cluster.ts for the cluster\'s own objects)';
  return `equivalence, ${c.label(n).replace(' n ', ` ${n} `)}: ${verdict}; YAML ours ${Buffer.byteLength(a)} B, baseline ${Buffer.byteLength(b)} B`;
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
    for (const c of CASES) {
      notes.push(checkEquivalence(c, c.sizes[0].n));
      const medians: Array<{ ours: number; baseline: number }> = [];
      for (const { n, runs, budgetMs, warmUp } of c.sizes) {
        const ours = SIDES[c.ours];
        const baseline = SIDES[c.baseline];
        const [oursMs, baselineMs] = timeInterleaved([() => ours(n), () => baseline(n)], runs, budgetMs, warmUp);
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
      notes.push(`growth, ${c.label(0).replace(' n ', ' ')}: ${growth('ours', small, large, medians[0].ours, medians[1].ours)}; ` +
        `${growth('baseline', small, large, medians[0].baseline, medians[1].baseline)}; ours grows ${fixed(relative, 2)}× as fast as the baseline`);
    }
    return { rows, notes };
  },
};
