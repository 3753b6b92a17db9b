/**
 * The real control plane for the reconciler benchmark: the e2e harness's
 * own build (tools/build-control-plane.sh, cached) and start (etcd,
 * kube-apiserver, controller-manager, scheduler, kwok nodes on 127.0.0.1),
 * driven from the benchmark process instead of jest's globalSetup. Stopped
 * (and its temp dir removed) by `stop()`, also when the benchmark fails.
 */
import { KubeClient } from '../test/support/kube-client';
import { buildControlPlane } from '../test/e2e/harness/build';
import { PlaneInfo } from '../test/e2e/harness/connection';
import { ControlPlane } from '../test/e2e/harness/control-plane';

export interface BenchPlane {
  readonly info: PlaneInfo;
  /** Admin client (the harness's, client certificate of system:masters). */
  readonly client: KubeClient;
  /** Seconds from the start call until every component was up. */
  readonly startSeconds: number;
  stop(): Promise<void>;
}

export async function startBenchPlane(log: (msg: string) => void): Promise<BenchPlane> {
  const build = await buildControlPlane(log, 'k8s');
  if ('unavailable' in build) throw new Error(`the reconciler benchmark needs the local control plane: ${build.unavailable}`);
  const t0 = performance.now();
  const plane = await ControlPlane.start(build.binDir, { keep: false, log, name: 'k8s' });
  const client = KubeClient.fromKubeconfig(plane.info.kubeconfig);
  return {
    info: plane.info,
    client,
    startSeconds: (performance.now() - t0) / 1000,
    stop: async () => {
      client.close();
      await plane.stop();
    },
  };
}
