/**
 * The reconciler image the e2e tests run as sidecars: built once per run by
 * globalSetup with `tools/build-image.sh` (`npm run image`; cached layers make
 * a rebuild of unchanged sources take seconds), handed to the workers through
 * the environment, and removed from nowhere: the image stays for the next run.
 *
 * E2E_RECONCILER_RUNTIME=process runs the compiled main.js as plain node
 * processes instead (a machine without Podman); never under CI=true.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { podman, removeLabelled } from './podman';

const SCRIPT = path.resolve(__dirname, '../../../tools/build-image.sh');
/** Env vars from globalSetup to the workers. */
export const IMAGE_ENV = 'E2E_RECONCILER_IMAGE';
export const IMAGE_ID_ENV = 'E2E_RECONCILER_IMAGE_ID';
export const IMAGE_UNAVAILABLE_ENV = 'E2E_RECONCILER_IMAGE_UNAVAILABLE';
/** pid of the globalSetup process (jest's parent): the run's id, in every container's RUN_LABEL. */
export const RUN_ENV = 'E2E_RECONCILER_RUN';
/** Label keys of every sidecar container: the run, and the test process that started it. */
export const RUN_LABEL = 'io.cdk8s-redis-enterprise.e2e.run';
export const OWNER_LABEL = 'io.cdk8s-redis-enterprise.e2e.owner';

export type ReconcilerRuntime = 'container' | 'process';

export function reconcilerRuntime(): ReconcilerRuntime {
  const chosen = process.env.E2E_RECONCILER_RUNTIME || 'container';
  if (chosen !== 'container' && chosen !== 'process') {
    throw new Error(`E2E_RECONCILER_RUNTIME must be container or process, got ${JSON.stringify(chosen)}`);
  }
  if (chosen === 'process' && process.env.CI === 'true') {
    throw new Error('E2E_RECONCILER_RUNTIME=process under CI=true: CI runs the reconciler as containers of the built image');
  }
  return chosen;
}

/** The built image (reference, and the id containers are run by), or why there is none; read by the workers. */
export function reconcilerImage(): { ref: string; id: string } {
  const ref = process.env[IMAGE_ENV];
  const id = process.env[IMAGE_ID_ENV];
  if (ref && id) return { ref, id };
  if (reconcilerRuntime() === 'process') {
    throw new Error('E2E_RECONCILER_RUNTIME=process: the reconcilers are node processes, not containers of the image, and no image was built');
  }
  throw new Error(`no reconciler image: ${process.env[IMAGE_UNAVAILABLE_ENV] ?? 'globalSetup built none (run with --selectProjects e2e)'}. ` +
    'Install podman, runc and debootstrap (Debian packages), or set E2E_RECONCILER_RUNTIME=process to run the reconciler as node processes.');
}

/** Runs tools/build-image.sh; answers the image's reference and the id of exactly what it built. */
async function runBuildScript(log: (msg: string) => void): Promise<{ ref: string; id: string }> {
  const t0 = Date.now();
  const idFile = path.join(os.tmpdir(), `e2e-reconciler-image-${process.pid}.id`);
  const child = spawn('bash', [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMAGE_ID_FILE: idFile } });
  let stdout = '';
  let tail = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    tail = (tail + String(d)).slice(-2000);
    // The build's own step lines are long; the script's [build-image] lines say enough.
    for (const line of String(d).split('\n')) if (line.startsWith('[build-image]')) process.stderr.write(`${line}\n`);
  });
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`tools/build-image.sh exited with ${code}:\n${tail}`);
  log(`reconciler image ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const id = fs.readFileSync(idFile, 'utf8').trim();
  fs.rmSync(idFile, { force: true });
  return { ref: stdout.trim().split('\n').pop() ?? '', id };
}

/** Is `pid` a live process? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sidecar containers of earlier runs whose jest is gone (a kill -9 beat every other cleanup). */
async function removeContainersOfDeadRuns(log: (msg: string) => void): Promise<void> {
  const out = await podman(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{index .Labels "${RUN_LABEL}"}}`]);
  for (const run of new Set(out.split('\n').filter(Boolean))) {
    if (!alive(Number(run))) log(`removed ${await removeLabelled(`${RUN_LABEL}=${run}`)} sidecar container(s) of dead run ${run}`);
  }
}

/** globalSetup: build the image (unless E2E_RECONCILER_RUNTIME=process) and tell the workers. */
export async function prepareReconcilerImage(log: (msg: string) => void): Promise<void> {
  if (reconcilerRuntime() === 'process') {
    log('E2E_RECONCILER_RUNTIME=process: reconcilers run as node processes, not as containers of the image');
    return;
  }
  // Both e2e projects' setups run in one process: one image for both.
  if (process.env[IMAGE_ENV] || process.env[IMAGE_UNAVAILABLE_ENV]) return;
  try {
    await removeContainersOfDeadRuns(log);
    const { ref, id } = await runBuildScript(log);
    process.env[IMAGE_ENV] = ref;
    process.env[IMAGE_ID_ENV] = id;
    process.env[RUN_ENV] = String(process.pid);
    log(`reconciler sidecars run as containers of ${ref} (${id.slice(0, 12)})`);
  } catch (e) {
    if (process.env.CI === 'true') throw new Error(`end-to-end tests need the reconciler image, and CI=true: ${(e as Error).message}`);
    process.env[IMAGE_UNAVAILABLE_ENV] = (e as Error).message;
    log(`no reconciler image; the reconciler tests will fail: ${(e as Error).message}`);
  }
}

/** globalTeardown: no sidecar container of this run outlives it. */
export async function removeRunContainers(log: (msg: string) => void): Promise<void> {
  if (!process.env[IMAGE_ENV]) return;
  const n = await removeLabelled(`${RUN_LABEL}=${process.pid}`);
  if (n > 0) log(`removed ${n} sidecar container(s) the tests left behind`);
}
