/**
 * `npm run bench [-- <name>...]`: runs the registered benchmarks (all, or
 * those named), one after the other, and prints their tables. Figures, not
 * tests: nothing here fails on a slow result. What does fail (exit 1, the
 * benchmark's table not printed): a baseline that no longer emits what our
 * constructs emit (bench/equivalence.ts), or a benchmark that cannot run.
 *
 * To add a benchmark: write bench/<topic>.ts exporting a `Benchmark`
 * (bench/benchmark.ts; `run()` may return a promise) and add it to BENCHMARKS.
 */
import * as os from 'os';
import { Benchmark, ComparisonRow } from './benchmark';
import { coldSynthBenchmark } from './cold-synth';
import { databasesBenchmark } from './databases';
import { EquivalenceError } from './equivalence';
import { reconcilerBenchmark } from './reconciler';
import { scaleBenchmark } from './scale';
import { synthClustersBenchmark } from './synth-clusters';
import { fixed, formatTable } from './table';

const BENCHMARKS: readonly Benchmark[] = [
  synthClustersBenchmark,
  databasesBenchmark,
  scaleBenchmark,
  coldSynthBenchmark,
  reconcilerBenchmark,
];

function comparisonTable(rows: readonly ComparisonRow[]): string {
  return formatTable(
    ['case', 'n', 'our ms', 'baseline ms', 'ratio', 'goal ≤ 1.0x', 'our heap MiB', 'base heap MiB', 'our RSS MiB', 'base RSS MiB', 'runs'],
    rows.map((r) => [
      r.case,
      String(r.n),
      fixed(r.ours.medianMs),
      fixed(r.baseline.medianMs),
      `${fixed(r.ours.medianMs / r.baseline.medianMs, 2)}x`,
      r.ours.medianMs <= r.baseline.medianMs ? 'met' : 'NOT MET',
      fixed(r.ours.heapDeltaMiB),
      fixed(r.baseline.heapDeltaMiB),
      fixed(r.ours.rssDeltaMiB),
      fixed(r.baseline.rssDeltaMiB),
      String(r.ours.runsMs.length),
    ]),
  );
}

async function main(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = args.length > 0 ? BENCHMARKS.filter((b) => args.includes(b.name)) : BENCHMARKS;
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load ${os.loadavg()[0].toFixed(1)}`);

  const start = performance.now();
  let compared = false;
  const unmet: string[] = [];
  for (const b of selected) {
    const t0 = performance.now();
    console.log(`\n## ${b.name}: ${b.title}`);
    let result: Awaited<ReturnType<Benchmark['run']>>;
    try {
      result = await b.run();
    } catch (e) {
      // No ratio from a run whose sides did not do the same work, and no half table.
      console.error(`${b.name} FAILED: ${e instanceof EquivalenceError ? e.message : (e as Error).stack ?? e}`);
      process.exitCode = 1;
      continue;
    }
    const { rows, notes, figures } = result;
    unmet.push(...(result.unmet ?? []).map((u) => `${b.name}: ${u}`));
    for (const r of rows.filter((x) => x.ours.medianMs > x.baseline.medianMs)) {
      unmet.push(`${b.name}: ${r.case}, n=${r.n}: ${fixed(r.ours.medianMs / r.baseline.medianMs, 2)}x the baseline (goal ≤ 1.0x)`);
    }
    if (rows.length > 0) {
      compared = true;
      console.log(comparisonTable(rows));
    }
    if (figures) console.log(formatTable(figures.headers, figures.rows));
    for (const note of notes) console.log(`- ${note}`);
    console.log(`(${b.name}: ${fixed((performance.now() - t0) / 1000)} s)`);
  }
  if (compared) {
    console.log('\nms: median of the timed runs after one warm-up, ours and baseline interleaved. ' +
      'Memory, each figure from a fresh node process: heap = still held by the App and its YAML after full GCs; ' +
      'RSS = growth from before synthesis to right after it, garbage included.');
  }
  console.log(unmet.length === 0 ? '\nevery goal met' : `\ngoals not met in this run:\n${unmet.map((u) => `- ${u}`).join('\n')}`);
  console.log(`total ${fixed((performance.now() - start) / 1000)} s, load ${os.loadavg()[0].toFixed(1)}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
