/**
 * The entry point of every e2e test file: `describeE2E(name, (ctx) => ...)`.
 * It hands each file a client for the shared control plane. Without one the
 * file is skipped only when E2E_SKIP=1 asked for it (the reason is printed);
 * otherwise it fails, so a run without a control plane is never green.
 */
import { KubeClient } from '../../support/kube-client';
import { currentPlane, E2E_SKIP_ENV, e2eSkipRequested, PlaneInfo, readPlaneInfo, skipReasonEnv } from './connection';

export interface E2EContext {
  info: PlaneInfo;
  client: KubeClient;
}

export function describeE2E(name: string, body: (ctx: E2EContext) => void): void {
  const info = readPlaneInfo();
  if (!info) {
    if (!e2eSkipRequested()) {
      // globalSetup already fails without a plane; this covers a file run outside the e2e projects.
      const reason = 'globalSetup started no control plane (run with --selectProjects e2e)';
      describe(name, () => it('has a control plane', () => { throw new Error(`no control plane: ${reason}; set ${E2E_SKIP_ENV}=1 to skip explicitly`); }));
      return;
    }
    const reason = process.env[skipReasonEnv(currentPlane())] ?? `${E2E_SKIP_ENV}=1`;
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
