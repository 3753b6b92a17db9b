/**
 * Measuring primitives shared by every benchmark: timed runs with a warm-up
 * and a time budget, the median, and memory figures from a fresh process.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

/** What one side (ours or the baseline) of a comparison measured. */
export interface Measurement {
  /** Wall-clock ms of each timed run (warm-up excluded). */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** Heap still held by the result after full GCs, MiB (fresh process); undefined if not measured. */
  readonly heapDeltaMiB?: number;
  /** RSS growth from before the run to right after it, garbage included, MiB (fresh process). */
  readonly rssDeltaMiB?: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs each of the `sides` once as warm-up (unless a smaller size already
 * warmed the same code), then alternately (A B A B ...) so that drift (JIT,
 * GC pressure, a busy neighbour) hits both sides alike, until `runs` each or
 * `budgetMs` is spent (at least one timed run each).
 */
export function timeInterleaved(sides: ReadonlyArray<() => unknown>, runs: number, budgetMs: number, warmUp = true): number[][] {
  if (warmUp) for (const side of sides) side();
  const times = sides.map((): number[] => []);
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    sides.forEach((side, s) => {
      const t = performance.now();
      side();
      times[s].push(performance.now() - t);
    });
    if (performance.now() - start > budgetMs) break;
  }
  return times;
}

/**
 * Memory figures of `<exportName>(n)` from `modulePath`, measured in a fresh
 * node process (bench/memory-probe.ts). Undefined figures if the probe fails,
 * so a memory problem never hides the timings.
 */
export function memoryInChild(modulePath: string, exportName: string, n: number): { heapDeltaMiB?: number; rssDeltaMiB?: number } {
  try {
    const out = execFileSync(process.execPath, [
      // --no-flush-bytecode: V8 otherwise drops idle functions' bytecode during
      // the GCs, which reads as negative retained heap for small N.
      '--expose-gc', '--no-flush-bytecode', '-r', path.join(__dirname, '..', 'scripts', 'register-swc.js'), path.join(__dirname, 'memory-probe.ts'), modulePath, exportName, String(n),
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    const probe = JSON.parse(out) as { heapRetainedMiB: number; rssGrowthMiB: number };
    return { heapDeltaMiB: probe.heapRetainedMiB, rssDeltaMiB: probe.rssGrowthMiB };
  } catch (e) {
    console.error(`memory probe ${exportName}(${n}) failed: ${(e as Error).message.split('\n')[0]}`);
    return {};
  }
}
