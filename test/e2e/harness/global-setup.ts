/**
 * jest globalSetup of the `e2e` and `e2e-oldest` projects: build (or reuse)
 * the binaries of the project's plane (`globals.E2E_PLANE`: the wrapper module
 * in tools/) and the reconciler image (once per process), start one control
 * plane for the whole run, and tell the workers where both are. With both
 * projects selected, jest runs both setups in one process: two planes, each
 * with its own env var.
 *
 * No Go / failed build: a failure, on CI or not. The tests are skipped only
 * when E2E_SKIP=1 asks for it (nothing is built or started then; describeE2E
 * prints the reason for every file).
 */
import { buildControlPlane } from './build';
import { currentPlane, E2E_SKIP_ENV, e2eSkipRequested, planeInfoEnv, skipReasonEnv } from './connection';
import { ControlPlane } from './control-plane';
import { harnessLog } from './log';
import { prepareReconcilerImage } from './reconciler-image';

export const PLANE_GLOBAL = '__CDK8S_RE_E2E_PLANES__';

/** The planes this process started, by plane name (globalTeardown stops them). */
export function startedPlanes(): Map<string, ControlPlane> {
  return ((globalThis as any)[PLANE_GLOBAL] ??= new Map<string, ControlPlane>());
}

export default async function globalSetup(_globalConfig: unknown, projectConfig: { globals?: Record<string, unknown> }): Promise<void> {
  const plane = currentPlane(projectConfig?.globals ?? {});
  const log = (msg: string): void => harnessLog(plane === 'k8s' ? msg : `[${plane}] ${msg}`);
  if (e2eSkipRequested()) {
    process.env[skipReasonEnv(plane)] = `${E2E_SKIP_ENV}=1 asked to skip them`;
    log(`SKIPPING end-to-end tests (${plane}): ${E2E_SKIP_ENV}=1`);
    return;
  }
  const build = await buildControlPlane(log, plane);
  if ('unavailable' in build) {
    throw new Error(`end-to-end tests need the local control plane (${plane}): ${build.unavailable}. ` +
      `Install Go >= 1.26 and openssl (README, Requirements), or set ${E2E_SKIP_ENV}=1 to skip them explicitly`);
  }
  // Before the plane starts: both use the 2 cores, and the build is seconds when cached.
  await prepareReconcilerImage(log);
  const keep = process.env.E2E_KEEP === '1';
  const t0 = Date.now();
  log(`starting the control plane from ${build.binDir}`);
  const started = await ControlPlane.start(build.binDir, { keep, log, name: plane });
  log(`control plane up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${started.info.apiserverUrl}, ` +
    `kubeconfig ${started.info.kubeconfig}, logs ${started.info.workDir}/logs`);
  process.env[planeInfoEnv(plane)] = started.infoFile;
  startedPlanes().set(plane, started);
}
