/**
 * The contract between bench/run.ts and each benchmark file. Every figure is
 * printed beside a baseline (see ARCHITECTURE.md "Benchmarks"), so a
 * benchmark returns comparison rows; run.ts prints them the same way for all.
 * Figures that are not two timings of the same work (the reconciler's: repair
 * delays, write rates, start-up) come as a table of their own, with the
 * baseline, where there is one, in a column.
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

/** A table printed as is (first column left-aligned, the others right-aligned). */
export interface FigureTable {
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export interface BenchmarkResult {
  /** Our-vs-baseline timings of the same work; may be empty. */
  readonly rows: ComparisonRow[];
  /** Printed under the benchmark's tables (e.g. the equivalence check). */
  readonly notes: string[];
  readonly figures?: FigureTable;
  /** Goals of a figure table this run missed, one line each with why (rows' ratios above 1.0 are added by run.ts). */
  readonly unmet?: string[];
}

export interface Benchmark {
  /** Short name, used to pick benchmarks: `npm run bench -- synth`. */
  readonly name: string;
  /** One line: what "ours" and "baseline" are. */
  readonly title: string;
  /** Runs the benchmark; synchronous ones return the result, those that wait on servers or processes a promise of it. */
  run(): BenchmarkResult | Promise<BenchmarkResult>;
}
