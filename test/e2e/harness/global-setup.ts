/**
 * jest globalSetup of the `e2e` project: build (or reuse) the binaries and the
 * reconciler image, start one control plane for the whole run, and tell the
 * workers where both are.
 *
 * No Go / failed build: with CI=true that is a failure; elsewhere the e2e
 * tests are skipped with the reason (describeE2E prints it).
 */
import { buildControlPlane } from './build';
import { PLANE_INFO_ENV, SKIP_REASON_ENV } from './connection';
import { ControlPlane } from './control-plane';
import { harnessLog } from './log';
import { prepareReconcilerImage } from './reconciler-image';

export const PLANE_GLOBAL = '__CDK8S_RE_E2E_PLANE__';

export default async function globalSetup(): Promise<void> {
  const build = await buildControlPlane(harnessLog);
  if ('unavailable' in build) {
    if (process.env.CI === 'true') {
      throw new Error(`end-to-end tests need the local control plane, and CI=true: ${build.unavailable}`);
    }
    process.env[SKIP_REASON_ENV] = build.unavailable;
    harnessLog(`SKIPPING end-to-end tests: ${build.unavailable}`);
    return;
  }
  // Before the plane starts: both use the 2 cores, and the build is seconds when cached.
  await prepareReconcilerImage(harnessLog);
  const keep = process.env.E2E_KEEP === '1';
  const t0 = Date.now();
  harnessLog(`starting the control plane from ${build.binDir}`);
  const plane = await ControlPlane.start(build.binDir, { keep, log: harnessLog });
  harnessLog(`control plane up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${plane.info.apiserverUrl}, ` +
    `kubeconfig ${plane.info.kubeconfig}, logs ${plane.info.workDir}/logs`);
  process.env[PLANE_INFO_ENV] = plane.infoFile;
  (globalThis as any)[PLANE_GLOBAL] = plane;
}
