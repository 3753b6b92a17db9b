/** Runs a command without a shell and collects its output; never throws. */
import { execFile } from 'child_process';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm_config_*` variables of the outer `npm test` would leak into the commands run here. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return { ...env, NO_UPDATE_NOTIFIER: '1', ...extra };
}

export function run(command: string, args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(options.env ?? {}), timeout: options.timeoutMs ?? 10 * 60_000, maxBuffer: 64 * 2 ** 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err && typeof err.code !== 'number' ? `\n${err.message}` : '') });
      });
  });
}

/** The result, or an error holding the command line and everything it printed. */
export async function runOk(command: string, args: string[], cwd: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  const r = await run(command, args, cwd, options);
  if (r.code !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` in ${cwd} exited ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`);
  }
  return r;
}
