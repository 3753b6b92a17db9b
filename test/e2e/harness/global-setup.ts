/**
 * jest globalSetup of the `e2e` and `e2e-oldest` projects: build (or reuse)
 * the binaries of the project's plane (`globals.E2E_PLANE`: the wrapper module
 * in tools/) and the reconciler image (once per process), start one control
 * plane for the whole run, and tell the workers where both are. With both
 * projects selected, jest runs both setups in one process: two planes, each
 * with its own env var.
 *
 * No Go / failed build: with CI=true that is a failure; elsewhere the e2e
 * tests are skipped with the reason (describeE2E prints it).
 */
import { buildControlPlane } from './build';
import { currentPlane, planeInfoEnv, skipReasonEnv } from './connection';
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
  const build = await buildControlPlane(log, plane);
  if ('unavailable' in build) {
    if (process.env.CI === 'true') {
      throw new Error(`end-to-end tests need the local control plane (${plane}), and CI=true: ${build.unavailable}`);
    }
    process.env[skipReasonEnv(plane)] = build.unavailable;
    log(`SKIPPING end-to-end tests: ${build.unavailable}`);
    return;
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
