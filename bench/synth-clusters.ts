/**
 * Issue 2 item 7: time and memory to synthesize 1, 10 and 100 Redis
 * Enterprise clusters, each in its own namespace (one Chart per namespace,
 * one App, `app.synthYaml()`), beside the hand-written equivalent in
 * baseline/plain-cluster.ts (read its header for what "equivalent" means).
 */
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Benchmark, ComparisonRow } from './benchmark';
import { synthBaseline, synthOurs } from './cluster-sides';
import { median, memoryInChild, timeInterleaved } from './harness';

/**
 * Timed runs and a time budget per size, to keep the whole bench under 60 s on
 * 2 cores. n=100 skips its warm-up: n=1 and n=10 already ran the same code.
 */
const SIZES = [
  { n: 1, runs: 15, budgetMs: 3000, warmUp: true },
  { n: 10, runs: 7, budgetMs: 5000, warmUp: true },
  { n: 100, runs: 3, budgetMs: 12000, warmUp: false },
];

const SIDES_MODULE = path.join(__dirname, 'cluster-sides.ts');

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

/**
 * Keeps the comparison honest as the construct evolves: the baseline is a
 * transcription of the construct's output, so their objects should be equal.
 * A mismatch is reported, not fatal: the timings still mean something.
 */
function checkEquivalence(): string[] {
  const a = synthOurs(1).yaml;
  const b = synthBaseline(1).yaml;
  const docsA = (yaml.loadAll(a) as any[]).map(withoutKnownGap);
  const docsB = yaml.loadAll(b) as any[];
  const differing = docsA
    .filter((d, i) => JSON.stringify(d) !== JSON.stringify(docsB[i]))
    .map((d) => `${d.kind}/${d.metadata.name}`);
  const verdict = differing.length === 0 && docsA.length === docsB.length
    ? `same ${docsA.length} objects, equal field by field apart from the known gap (claim template apiVersion/kind)`
    : `OBJECTS DIFFER (${differing.join(', ') || `count ${docsA.length} vs ${docsB.length}`}): update bench/baseline/plain-cluster.ts`;
  return [`equivalence per cluster: ${verdict}; YAML ours ${Buffer.byteLength(a)} B, baseline ${Buffer.byteLength(b)} B`];
}

export const synthClustersBenchmark: Benchmark = {
  name: 'synth',
  title: 'synthesize N clusters, one namespace each: RedisEnterpriseCluster vs hand-written k8s.Kube* objects',
  run() {
    const notes = checkEquivalence();
    const rows: ComparisonRow[] = [];
    for (const { n, runs, budgetMs, warmUp } of SIZES) {
      const [oursMs, baselineMs] = timeInterleaved([() => synthOurs(n), () => synthBaseline(n)], runs, budgetMs, warmUp);
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
