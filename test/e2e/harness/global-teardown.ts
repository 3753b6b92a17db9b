/** jest globalTeardown of the `e2e` project: remove the run's sidecar containers, stop the plane (unless E2E_KEEP=1). */
import { ControlPlane } from './control-plane';
import { PLANE_GLOBAL } from './global-setup';
import { harnessLog } from './log';
import { removeRunContainers } from './reconciler-image';

export default async function globalTeardown(): Promise<void> {
  // The test files stop their sidecars in afterAll; this catches a file that failed before it could.
  await removeRunContainers(harnessLog);
  const plane = (globalThis as any)[PLANE_GLOBAL] as ControlPlane | undefined;
  if (!plane) return;
  if (process.env.E2E_KEEP === '1') {
    harnessLog(`E2E_KEEP=1: control plane left running. kubectl: ${plane.info.binDir}/kubectl ` +
      `--kubeconfig ${plane.info.kubeconfig} get pods -A; logs in ${plane.info.workDir}/logs. ` +
      'The next e2e run stops it.');
    return;
  }
  const t0 = Date.now();
  await plane.stop();
  harnessLog(`control plane stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
