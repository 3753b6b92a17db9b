/**
 * Issue 13 item 5: 100 clusters × 100 databases (10,000 databases, one
 * Chart and namespace per cluster, one App), beside 10 × 100, ours and the
 * hand-written baseline, each run in a fresh process (bench/scale-probe.ts)
 * for its time and peak RSS. Growth from 1,000 to 10,000 databases shows
 * whether anything is quadratic. The sides' equivalence is checked field by
 * field at 10 clusters (the same loops as 100).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Benchmark } from './benchmark';
import { assertEquivalent } from './equivalence';
import { DATABASES_BASELINE_HINT } from './databases';
import { DATABASES_PER_CLUSTER, synthFleetBaseline, synthFleetOurs } from './scale-sides';
import { fixed } from './table';

const SIDES_MODULE = path.join(__dirname, 'scale-sides.ts');
const REGISTER = path.join(__dirname, '..', 'scripts', 'register-swc.js');
const SIZES = [10, 100];

interface Probe { ms: number; peakRssMiB: number; rssBeforeMiB: number; yamlMiB: number }

function probe(exportName: string, clusters: number): Probe {
  const out = execFileSync(process.execPath, ['-r', REGISTER, path.join(__dirname, 'scale-probe.ts'), SIDES_MODULE, exportName, String(clusters)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as Probe;
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  title: `synthesize N clusters × ${DATABASES_PER_CLUSTER} databases (one Chart each) in a fresh process: our constructs vs hand-written k8s.Kube* objects`,
  run() {
    assertEquivalent(`${SIZES[0]} clusters × ${DATABASES_PER_CLUSTER} databases`, synthFleetOurs(SIZES[0]).yaml, synthFleetBaseline(SIZES[0]).yaml, DATABASES_BASELINE_HINT);
    const results = SIZES.map((n) => ({ n, ours: probe('synthFleetOurs', n), baseline: probe('synthFleetBaseline', n) }));
    const [small, large] = results;
    const growth = (side: 'ours' | 'baseline') => large[side].ms / small[side].ms;
    const unmet = results.filter((r) => r.ours.ms > r.baseline.ms)
      .map((r) => `${r.n} × ${DATABASES_PER_CLUSTER} databases: ${fixed(r.ours.ms / r.baseline.ms, 2)}x the baseline (goal ≤ 1.0x; one run each). ` +
        'Profile: cdk8s validates and walks the whole app once per Chart (N+1 passes), and the cluster and each database are a construct ' +
        'more than the baseline has, walked on every pass');
    if (growth('ours') > growth('baseline') * 1.1) unmet.push(`ours grows ×${fixed(growth('ours'), 1)}, the baseline ×${fixed(growth('baseline'), 1)}: worse than cdk8s's own growth`);
    return {
      rows: [],
      unmet,
      figures: {
        headers: ['clusters × databases', 'databases', 'our s', 'baseline s', 'ratio', 'our peak RSS MiB', 'base peak RSS MiB', 'YAML MiB'],
        rows: results.map(({ n, ours, baseline }) => [
          `${n} × ${DATABASES_PER_CLUSTER}`, String(n * DATABASES_PER_CLUSTER), fixed(ours.ms / 1000, 2), fixed(baseline.ms / 1000, 2),
          `${fixed(ours.ms / baseline.ms, 2)}x`, fixed(ours.peakRssMiB, 0), fixed(baseline.peakRssMiB, 0), fixed(ours.yamlMiB, 1),
        ]),
      },
      notes: [
        `equivalence at ${SIZES[0]} clusters: same objects, field by field`,
        `growth ${small.n * DATABASES_PER_CLUSTER} → ${large.n * DATABASES_PER_CLUSTER} databases (×${large.n / small.n}): ours ×${fixed(growth('ours'), 1)}, ` +
          `baseline ×${fixed(growth('baseline'), 1)} (linear: ×${large.n / small.n}; cdk8s itself walks the whole app once per Chart when it synthesizes, on both sides)`,
        'one timed run per side and size, each in a fresh process after a warm-up with 1 cluster; peak RSS = VmHWM of that process (module load included)',
      ],
    };
  },
};
