/** jest globalTeardown of the e2e projects: remove the run's sidecar containers, stop the project's plane (unless E2E_KEEP=1). */
import { currentPlane } from './connection';
import { startedPlanes } from './global-setup';
import { harnessLog } from './log';
import { removeRunContainers } from './reconciler-image';

export default async function globalTeardown(_globalConfig: unknown, projectConfig: { globals?: Record<string, unknown> }): Promise<void> {
  const name = currentPlane(projectConfig?.globals ?? {});
  const plane = startedPlanes().get(name);
  // The test files stop their sidecars in afterAll; this catches a file that failed before it could.
  await removeRunContainers(harnessLog);
  if (!plane) return;
  startedPlanes().delete(name);
  if (process.env.E2E_KEEP === '1') {
    harnessLog(`E2E_KEEP=1: control plane ${name} left running. kubectl: ${plane.info.binDir}/kubectl ` +
      `--kubeconfig ${plane.info.kubeconfig} get pods -A; logs in ${plane.info.workDir}/logs. ` +
      'The next e2e run stops it.');
    return;
  }
  const t0 = Date.now();
  await plane.stop();
  harnessLog(`control plane ${name} stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
