/**
 * Child-process entry point for memory figures: `memory-probe.ts <module>
 * <export> <n>` loads `<module>`, calls `<export>(n)` once in this fresh
 * process and prints JSON { heapRetainedMiB, rssGrowthMiB }. A fresh process
 * is needed because RSS hardly shrinks: in the parent, earlier runs would have
 * grown it already and later figures would read ~0 or below.
 * Run by `memoryInChild` (harness.ts), with --expose-gc.
 */
import * as path from 'path';

let kept: unknown;

/** Lets V8 hand freed pages back to the OS (it does so in tasks that need the event loop). */
async function settle(collect: () => void): Promise<void> {
  collect();
  collect();
  await new Promise((resolve) => setTimeout(resolve, 250));
}

async function main(): Promise<void> {
  const [modulePath, exportName, nArg] = process.argv.slice(2);
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('memory-probe needs node --expose-gc');
  const fn = require(path.resolve(modulePath))[exportName] as (n: number) => unknown;
  // Load and initialise every module and warm the code first, so that only the
  // N-sized work is counted.
  for (let i = 0; i < 3; i++) fn(1);
  await settle(collect);
  const before = process.memoryUsage();
  const result = fn(Number(nArg));
  // RSS right after the work, garbage included: the footprint synthesis needed.
  const rssAfter = process.memoryUsage().rss;
  collect();
  collect();
  const heapAfter = process.memoryUsage().heapUsed;
  kept = result; // still reachable above, so the retained heap includes it
  const mib = (b: number) => b / 2 ** 20;
  process.stdout.write(JSON.stringify({ heapRetainedMiB: mib(heapAfter - before.heapUsed), rssGrowthMiB: mib(rssAfter - before.rss) }));
}

void main().then(() => void kept);
