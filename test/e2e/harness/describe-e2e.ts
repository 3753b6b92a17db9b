/**
 * The entry point of every e2e test file: `describeE2E(name, (ctx) => ...)`.
 * It hands each file a client for the shared control plane, or skips the
 * file with the reason when globalSetup had no control plane to give.
 */
import { KubeClient } from '../../support/kube-client';
import { currentPlane, PlaneInfo, readPlaneInfo, skipReasonEnv } from './connection';

export interface E2EContext {
  info: PlaneInfo;
  client: KubeClient;
}

export function describeE2E(name: string, body: (ctx: E2EContext) => void): void {
  const info = readPlaneInfo();
  if (!info) {
    const reason = process.env[skipReasonEnv(currentPlane())] ?? 'globalSetup started no control plane (run with --selectProjects e2e)';
    if (process.env.CI === 'true') {
      // globalSetup already fails under CI; this covers a file run outside the e2e project.
      describe(name, () => it('has a control plane', () => { throw new Error(`no control plane under CI=true: ${reason}`); }));
      return;
    }
    process.stderr.write(`[e2e] skipping "${name}": ${reason}\n`);
    describe.skip(`${name} [skipped: ${reason}]`, () => it('needs a control plane', () => undefined));
    return;
  }
  // jest 29 ignores `testTimeout` inside a `projects` entry, so set it here: the control plane
  // shares 2 cores with everything else, and StatefulSets roll out pod by pod.
  jest.setTimeout(600_000);
  describe(name, () => {
    const ctx: E2EContext = { info, client: KubeClient.fromKubeconfig(info.kubeconfig) };
    afterAll(() => ctx.client.close());
    body(ctx);
  });
}
