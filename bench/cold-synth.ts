/**
 * Issue 13 item 1: what a user waits for, a whole synthesis in a fresh
 * process. Each command runs RUNS times, the commands in turn (A B C A B C
 * ...) so that a busy neighbour hits them alike; figures are the median
 * wall time and the median CPU time (user + sys of the process tree, from
 * bash's `times`), the latter steadier on a shared machine.
 *
 * - `npm run synth`: the project's examples (SWC-transpiled, see
 *   scripts/register-swc.js), the figure quoted in README.md;
 * - a cdk8s app of 1 cluster and 10 databases (bench/cold-app.ts) with our
 *   constructs, beside a plain cdk8s app emitting the same objects with
 *   k8s.Kube* (checked here field by field), both through the same SWC hook;
 * - the same app of ours through ts-node --transpile-only (what cdk8s.yaml
 *   ran before): the cost of loading the TypeScript compiler at synth time
 *   (`cdk8s init`'s default, ts-node with type checking, costs more again).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Benchmark } from './benchmark';
import { assertEquivalent } from './equivalence';
import { median } from './harness';
import { DATABASES_BASELINE_HINT } from './databases';
import { fixed } from './table';

const ROOT = path.join(__dirname, '..');
const RUNS = 5;
/** Issue 13: `npm run synth` of the examples, cold, median wall time. */
const GOAL_MS = 1000;

interface Command { readonly label: string; readonly argv: string[]; readonly outdir?: string }

interface Timing { wallMs: number[]; cpuMs: number[] }

/** Runs `argv` under bash and returns its wall time and its children's CPU time (bash `times`, second line). */
function timeOnce(argv: string[]): { wallMs: number; cpuMs: number } {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>/tmp/cold-synth-stderr-$$ || { cat /tmp/cold-synth-stderr-$$ >&2; exit 1; }; rm -f /tmp/cold-synth-stderr-$$; times`], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const children = r.stdout.trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`cannot read bash times from ${JSON.stringify(r.stdout)}`);
  return { wallMs, cpuMs: (seconds[0] + seconds[1]) * 1000 };
}

export const coldSynthBenchmark: Benchmark = {
  name: 'cold',
  title: `cold synthesis: whole fresh processes, median of ${RUNS} (wall and CPU); our constructs vs a plain cdk8s app emitting the same objects`,
  run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-synth-'));
    try {
      const app = path.join(__dirname, 'cold-app.ts');
      const swc = ['node', '-r', './scripts/register-swc.js'];
      const out = (name: string) => path.join(dir, name);
      const commands: Command[] = [
        { label: 'npm run synth (every example in examples/)', argv: ['npm', 'run', 'synth'] },
        { label: 'cdk8s app, 1 cluster + 10 databases: ours, SWC', argv: [...swc, app, 'ours', out('ours')], outdir: out('ours') },
        { label: '  same objects, plain cdk8s k8s.Kube* app, SWC', argv: [...swc, app, 'baseline', out('baseline')], outdir: out('baseline') },
        { label: '  ours, ts-node --transpile-only (before)', argv: ['node', '-r', 'ts-node/register/transpile-only', app, 'ours', out('ts-node')] },
      ];
      // Warm-up: the file cache, and the check that both apps emit the same objects.
      for (const c of commands) timeOnce(c.argv);
      const read = (d: string) => fs.readFileSync(path.join(d, 'app.k8s.yaml'), 'utf8');
      assertEquivalent('cold app, 1 cluster + 10 databases', read(out('ours')), read(out('baseline')), DATABASES_BASELINE_HINT);
      const timings: Timing[] = commands.map(() => ({ wallMs: [], cpuMs: [] }));
      for (let i = 0; i < RUNS; i++) {
        commands.forEach((c, k) => {
          const t = timeOnce(c.argv);
          timings[k].wallMs.push(t.wallMs);
          timings[k].cpuMs.push(t.cpuMs);
        });
      }
      const base = timings[2];
      const npmSynth = median(timings[0].wallMs);
      return {
        rows: [],
        unmet: npmSynth > GOAL_MS ? [`npm run synth ${fixed(npmSynth, 0)} ms wall, ${fixed(median(timings[0].cpuMs), 0)} ms CPU (goal ≤ ${GOAL_MS} ms wall), load ${os.loadavg()[0].toFixed(1)}`] : [],
        figures: {
          headers: ['command (fresh process each run)', 'wall ms', 'min wall ms', 'CPU ms', 'wall vs plain app', 'CPU vs plain app'],
          rows: commands.map((c, k) => [
            c.label, fixed(median(timings[k].wallMs), 0), fixed(Math.min(...timings[k].wallMs), 0), fixed(median(timings[k].cpuMs), 0),
            k === 0 ? '-' : `${fixed(median(timings[k].wallMs) / median(base.wallMs), 2)}x`,
            k === 0 ? '-' : `${fixed(median(timings[k].cpuMs) / median(base.cpuMs), 2)}x`,
          ]),
        },
        notes: [
          'the two cdk8s apps emit the same objects (checked field by field on this run\'s output files)',
          `CPU = user + sys of the whole process tree (npm included for npm run synth); on a machine with more runnable processes than cores, wall time is CPU time plus waiting: quote both with the load`,
        ],
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
