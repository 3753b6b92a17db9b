/**
 * The contract between bench/run.ts and each benchmark file. Every figure is
 * printed beside a baseline (see ARCHITECTURE.md "Benchmarks"), so a
 * benchmark returns comparison rows; run.ts prints them the same way for all.
 */
import { Measurement } from './harness';

export interface ComparisonRow {
  /** What was built, e.g. 'synth clusters'. */
  readonly case: string;
  /** Problem size, e.g. the number of clusters. */
  readonly n: number;
  readonly ours: Measurement;
  readonly baseline: Measurement;
}

export interface Benchmark {
  /** Short name, used to pick benchmarks: `npm run bench -- synth`. */
  readonly name: string;
  /** One line: what "ours" and "baseline" are. */
  readonly title: string;
  /** Runs the benchmark; `notes` are printed under its table (e.g. the equivalence check). */
  run(): { rows: ComparisonRow[]; notes: string[] };
}
