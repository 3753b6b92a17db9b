/**
 * In-process reconcilers for the pods of a real, applied `<rec>` StatefulSet
 * (kwok runs its pods): one REST API double per pod (HTTPS on 127.0.0.1,
 * its node address the pod's fake IP) and one `startReconciler` per pod,
 * configured from the pod as the downward API would (name, IP, node), with
 * the reconciler's own Kubernetes client and a token of the `<rec>`
 * ServiceAccount, so it has exactly the synthesized Role. Unlike
 * reconciler-in-process/support/fleet.ts the pods are the StatefulSet's, so
 * the StatefulSet controller, the PV binder and the claims are real.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeClient as ReconcilerKubeClient } from '../../../lib/reconciler/io/kube-client';
import { kubeconfigConnection } from '../../../lib/reconciler/io/kube-config';
import { RunningReconciler, startReconciler } from '../../../lib/reconciler/runtime/app';
import { silentLogger } from '../../../lib/reconciler/runtime/logger';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { KubeClient, KubeObject } from '../../support/kube-client';
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';
import { serviceAccountKubeconfigFile } from '../reconciler-in-process/support/fleet';
import { PlaneInfo } from './connection';

const WRITE_LABELS: Array<[string, string]> = [
  ['create', 'configmaps'], ['update', 'configmaps'], ['create', 'secrets'], ['patch', 'pods'],
  ['patch', 'persistentvolumeclaims'], ['delete', 'statefulsets'],
  ['create', 'endpointslices'], ['update', 'endpointslices'], ['delete', 'endpointslices'], ['create', 'events'],
];

export interface PodReconciler {
  pod: string;
  podUid: string;
  double: RedisEnterpriseApiDouble;
  started: StartedApiDouble;
  kube: ReconcilerKubeClient;
  reconciler: RunningReconciler;
}

export interface StatefulSetReconcilersOptions {
  client: KubeClient;
  info: PlaneInfo;
  namespace: string;
  clusterName: string;
  /** The running pods, Ready, as the API server returned them. */
  pods: KubeObject[];
  registry: ApiDoubleClusterRegistry;
  /** @default 3 */
  leaseDurationSeconds?: number;
  /** @default 3600 */
  resyncSeconds?: number;
}

export class StatefulSetReconcilers {
  private constructor(readonly nodes: PodReconciler[], private readonly dir: string) {}

  static async start(o: StatefulSetReconcilersOptions): Promise<StatefulSetReconcilers> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sts-reconcilers-${o.clusterName}-`));
    const kubeconfig = await serviceAccountKubeconfigFile(o.client, o.info, o.namespace, o.clusterName, dir);
    const nodes: PodReconciler[] = [];
    const fleet = new StatefulSetReconcilers(nodes, dir);
    try {
      for (const p of o.pods) {
        const double = new RedisEnterpriseApiDouble({ registry: o.registry, addr: p.status.podIP });
        const started = await double.start();
        const kube = new ReconcilerKubeClient(kubeconfigConnection(kubeconfig), o.namespace);
        const reconciler = await startReconciler({
          config: {
            podName: p.metadata.name,
            namespace: o.namespace,
            podIp: p.status.podIP,
            nodeName: p.spec.nodeName,
            clusterName: o.clusterName,
            apiUrl: started.url,
            desiredStateConfigMap: `${o.clusterName}-desired-state`,
            httpPort: 0,
            httpHost: '127.0.0.1',
            resyncSeconds: o.resyncSeconds ?? 3600,
            leaseName: `${o.clusterName}-leader`,
            leaseDurationSeconds: o.leaseDurationSeconds ?? 3,
            restTimeoutMs: 2000,
            logLevel: 'info',
            prestopTimeoutMs: 10_000,
            shutdownPrestopWaitMs: 0,
            databasePasswordGraceMs: 0,
          },
          kube,
          log: silentLogger,
          apiCa: started.caCertPem,
          poll: { timeoutMs: 10_000, intervalMs: 10 },
          serveHttp: false,
        });
        nodes.push({ pod: p.metadata.name, podUid: p.metadata.uid, double, started, kube, reconciler });
      }
    } catch (e) {
      await fleet.stop();
      throw e;
    }
    return fleet;
  }

  leader(): PodReconciler | undefined {
    return this.nodes.find((n) => n.reconciler.leader.isLeader);
  }

  /** One Kubernetes write counter summed over every reconciler (leadership may move). */
  kubeWrites(verb: string, resource: string): number {
    return this.nodes.reduce((n, r) => n + r.reconciler.metrics.get(M.kubeWrites, { verb, resource }), 0);
  }

  /** Every counted Kubernetes write (lib/reconciler/io/counting-kube.ts) of every reconciler but the Lease renewals, by `verb resource`; zeros left out. */
  kubeWritesBesidesLeases(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [verb, resource] of WRITE_LABELS) {
      const n = this.kubeWrites(verb, resource);
      if (n > 0) totals[`${verb} ${resource}`] = n;
    }
    return totals;
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.reconciler.stop();
    for (const n of this.nodes) {
      await n.double.dispose();
      n.kube.close();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
