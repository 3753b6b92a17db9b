/**
 * `npm run bench [-- <name>...]`: runs the registered benchmarks (all, or
 * those named) and prints one table each. Figures, not tests: nothing here
 * fails on a slow result.
 *
 * To add a benchmark (databases, reconciler...): write bench/<topic>.ts
 * exporting a `Benchmark` (bench/benchmark.ts) and add it to BENCHMARKS.
 */
import * as os from 'os';
import { Benchmark } from './benchmark';
import { databasesBenchmark } from './databases';
import { synthClustersBenchmark } from './synth-clusters';
import { fixed, formatTable } from './table';

const BENCHMARKS: readonly Benchmark[] = [
  synthClustersBenchmark,
  databasesBenchmark,
];

function main(args: readonly string[]): void {
  const unknown = args.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = args.length > 0 ? BENCHMARKS.filter((b) => args.includes(b.name)) : BENCHMARKS;
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load ${os.loadavg()[0].toFixed(1)}`);

  const start = performance.now();
  for (const b of selected) {
    const { rows, notes } = b.run();
    console.log(`\n## ${b.name}: ${b.title}`);
    console.log(formatTable(
      ['case', 'n', 'our ms', 'baseline ms', 'ratio', 'our heap MiB', 'base heap MiB', 'our RSS MiB', 'base RSS MiB', 'runs'],
      rows.map((r) => [
        r.case,
        String(r.n),
        fixed(r.ours.medianMs),
        fixed(r.baseline.medianMs),
        `${fixed(r.ours.medianMs / r.baseline.medianMs, 2)}x`,
        fixed(r.ours.heapDeltaMiB),
        fixed(r.baseline.heapDeltaMiB),
        fixed(r.ours.rssDeltaMiB),
        fixed(r.baseline.rssDeltaMiB),
        String(r.ours.runsMs.length),
      ]),
    ));
    for (const note of notes) console.log(`- ${note}`);
  }
  console.log('\nms: median of the timed runs after one warm-up, ours and baseline interleaved. ' +
    'Memory, each figure from a fresh node process: heap = still held by the App and its YAML after full GCs; ' +
    'RSS = growth from before synthesis to right after it, garbage included.');
  console.log(`total ${fixed((performance.now() - start) / 1000)} s`);
}

main(process.argv.slice(2));
