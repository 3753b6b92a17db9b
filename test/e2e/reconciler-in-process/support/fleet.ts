/**
 * Reconcilers in-process on the real control plane, the envtest way: a
 * fresh namespace per fleet holding the synthesized ServiceAccount, Role,
 * RoleBinding and desired-state ConfigMap, one Pod per node (placed on a kwok
 * node, so it gets an IP and turns Ready), one REST API double per pod
 * (HTTPS on 127.0.0.1; its node address is the pod's fake IP), and one
 * `startReconciler` per pod whose Kubernetes client is the reconciler's own,
 * authenticated with a token of the `<rec>` ServiceAccount.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { DesiredState } from '../../../../lib/contract/desired-state';
import { KubeClient as ReconcilerKubeClient } from '../../../../lib/reconciler/io/kube-client';
import { kubeconfigConnection } from '../../../../lib/reconciler/io/kube-config';
import { RunningReconciler, startReconciler } from '../../../../lib/reconciler/runtime/app';
import { ReconcilerConfig } from '../../../../lib/reconciler/runtime/config';
import { Logger, createLogger, silentLogger } from '../../../../lib/reconciler/runtime/logger';
import { KubeClient, KubeObject, waitFor } from '../../../support/kube-client';
import {
  ApiDoubleClusterRegistry, ApiDoubleRegistryOptions, RedisEnterpriseApiDouble, StartedApiDouble,
} from '../../../support/redis-enterprise-api-double';
import { Fixture } from '../../../unit/reconciler/support/desired';
import { PlaneInfo } from '../../harness/connection';
import { createNamedNamespace, createNamespace, deleteNamespace } from '../../harness/namespaces';
import { readStatusDocument } from '../../harness/status-document';
import { STORAGE_CLASS, ensureAvailableVolumes } from '../../harness/storage';
import { waitForReadyPods } from '../../harness/workloads';

/** What the namespace gets from the synthesized objects: the reconciler's RBAC and its input. */
const RBAC_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding']);
const APPLIED_KINDS = new Set([...RBAC_KINDS, 'ConfigMap']);

export interface FleetNode {
  podName: string;
  podIp: string;
  nodeName: string;
  /** The zone of its kwok node: what the downward API passes as RACK_ID. */
  rackId?: string;
  double: RedisEnterpriseApiDouble;
  started: StartedApiDouble;
  kube: ReconcilerKubeClient;
  reconciler?: RunningReconciler;
}

export interface FleetOptions {
  /** Synthesizes the fixture for the namespace the fleet creates. */
  fixture: (namespace: string) => Fixture;
  /** Objects to create before any reconciler starts (e.g. Secrets the user provides). */
  before?: (namespace: string) => KubeObject[];
  registry?: ApiDoubleRegistryOptions;
  /** A registry shared with other fleets (two Redis Enterprise clusters that see each other, e.g. Active-Active); overrides `registry`. */
  sharedRegistry?: ApiDoubleClusterRegistry;
  /** The exact namespace name (default `<prefix>-<random>`), for fleets whose synthesized objects name each other's namespaces. */
  namespace?: string;
  leaseDurationSeconds?: number;
  resyncSeconds?: number;
  /** PRESTOP_TIMEOUT_SECONDS, in ms (default 10 s). */
  prestopTimeoutMs?: number;
  /** DATABASE_PASSWORD_GRACE_SECONDS, in ms (default 0: a changed database password replaces the old one at once). */
  databasePasswordGraceMs?: number;
  /** Receives every log line (debug level and up), e.g. to check that no secret value is logged. */
  logSink?: (line: string) => void;
  /**
   * Each pod mounts a claim `redis-enterprise-storage-<pod>` (as the StatefulSet's
   * claim template gives it), created and bound before the pod, so that a pod
   * recreated by `recreatePod` comes back on the same claim.
   */
  persistentClaims?: boolean;
  /** The Redis Software release every node's double reports (`software_version`, e.g. `7.22.2-21`); the double's default otherwise. */
  softwareVersion?: string;
}

/** A kubeconfig authenticating as ServiceAccount `sa` of `ns` (TokenRequest, signed by the plane). */
export async function serviceAccountKubeconfigFile(client: KubeClient, info: PlaneInfo, ns: string, sa: string, dir: string): Promise<string> {
  const tr = await client.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
  });
  const admin = yaml.load(fs.readFileSync(info.kubeconfig, 'utf8')) as any;
  const file = path.join(dir, `${sa}.kubeconfig`);
  fs.writeFileSync(file, yaml.dump({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'e2e', cluster: admin.clusters[0].cluster }],
    users: [{ name: sa, user: { token: tr.status.token } }],
    contexts: [{ name: sa, context: { cluster: 'e2e', user: sa, namespace: ns } }],
    'current-context': sa,
  }), { mode: 0o600 });
  return file;
}

export class InProcessFleet {
  readonly nodes: FleetNode[] = [];
  readonly registry: ApiDoubleClusterRegistry;
  readonly log: Logger;
  state!: DesiredState;
  objects!: KubeObject[];
  kubeconfig!: string;
  /** Reconcilers stopped by `podGone` (their metrics still count). */
  readonly retired: RunningReconciler[] = [];
  private podLabels: Record<string, string> = {};

  private constructor(readonly client: KubeClient, readonly info: PlaneInfo, readonly ns: string, readonly dir: string, readonly options: FleetOptions) {
    this.registry = options.sharedRegistry ?? new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20 }, ...options.registry });
    this.log = options.logSink ? createLogger('debug', {}, options.logSink) : silentLogger;
  }

  /**
   * Namespace, synthesized objects, pods Ready and a REST API double per pod; no reconciler started yet.
   * A failure on the way throws after undoing what was made (doubles, clients, namespace): a started
   * double left behind would keep its server open and jest from exiting.
   */
  static async create(client: KubeClient, info: PlaneInfo, prefix: string, options: FleetOptions): Promise<InProcessFleet> {
    const ns = options.namespace ? await createNamedNamespace(client, options.namespace) : await createNamespace(client, prefix);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const fleet = new InProcessFleet(client, info, ns, dir, options);
    try {
      await fleet.populate(info);
    } catch (e) {
      await fleet.stop().catch(() => undefined);
      throw e;
    }
    return fleet;
  }

  private async populate(info: PlaneInfo): Promise<void> {
    const { client, ns, options } = this;
    const fixture = options.fixture(ns);
    this.state = fixture.state;
    this.objects = fixture.objects.filter((o) => APPLIED_KINDS.has(o.kind) && o.metadata.namespace === ns);
    await client.apply(this.objects, 'in-process-fleet');
    for (const o of options.before?.(ns) ?? []) await client.create({ ...o, metadata: { ...o.metadata, namespace: ns } });
    const { name, nodes } = fixture.state.cluster;
    const sts = fixture.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name);
    this.podLabels = sts.spec.template.metadata.labels;
    const podNames = [...Array(nodes).keys()].map((i) => `${name}-${i}`);
    if (options.persistentClaims) await this.createClaims(podNames);
    const nodeOf = (i: number) => info.baseNodes[i % info.baseNodes.length];
    for (const [i, podName] of podNames.entries()) await this.createPod(podName, nodeOf(i));
    const pods = await this.readyPodsWithDistinctIps(podNames, nodeOf);
    this.kubeconfig = await serviceAccountKubeconfigFile(client, info, ns, name, this.dir);
    for (const p of pods) {
      const double = new RedisEnterpriseApiDouble({ registry: this.registry, addr: p.status.podIP, softwareVersion: options.softwareVersion });
      const started = await double.start();
      const kube = new ReconcilerKubeClient(kubeconfigConnection(this.kubeconfig), ns);
      const node = await client.get({ apiVersion: 'v1', kind: 'Node', name: p.spec.nodeName });
      this.nodes.push({
        podName: p.metadata.name, podIp: p.status.podIP, nodeName: p.spec.nodeName, double, started, kube,
        rackId: node.metadata.labels?.['topology.kubernetes.io/zone'],
      });
    }
  }

  /**
   * The pods Ready, each with an IP no other of them has and no running double
   * of the registry holds (a shared registry's other fleet). kwok hands out
   * pod IPs from one in-memory pool that has been seen to give an IP to two
   * live pods (10.0.0.1, while the previous test's namespace was being
   * deleted); one REST double per address cannot model that, and no real CNI
   * does it. A pod that got a taken IP is created again (bounded), otherwise this throws. kwok gives a
   * freed IP out first, so the deleted pod's IP is parked first on a pod of its own (no fleet labels,
   * gone with the namespace): the new pod then gets another one.
   */
  private async readyPodsWithDistinctIps(podNames: string[], nodeOf: (i: number) => string): Promise<KubeObject[]> {
    const attempts = 5;
    for (let attempt = 1; ; attempt++) {
      const pods = await waitForReadyPods(this.client, this.ns, podNames);
      const seen = new Set<string>();
      const clashing = pods.filter((p) => {
        const ip: string = p.status.podIP;
        const taken = seen.has(ip) || this.registry.hasRunningNodeAt(ip);
        seen.add(ip);
        return taken;
      });
      if (clashing.length === 0) return pods;
      const what = clashing.map((p) => `${p.metadata.name} ${p.status.podIP}`).join(', ');
      if (attempt >= attempts) throw new Error(`fleet ${this.ns}: pods still share IPs after ${attempts} attempts (${what}): kwok gave an IP that is taken`);
      this.log.warn('fleet: pod IP already taken, creating the pod again', { pods: what, attempt });
      for (const p of clashing) {
        await this.client.delete(this.ref('v1', 'Pod', p.metadata.name), { gracePeriodSeconds: 0 }).catch(() => undefined);
        await waitFor(`pod ${p.metadata.name} deleted`, async () => (await this.client.tryGet(this.ref('v1', 'Pod', p.metadata.name))) === undefined || undefined, { timeoutMs: 60_000 });
        const nodeName = nodeOf(podNames.indexOf(p.metadata.name));
        const parked = `${p.metadata.name}-parked-ip-${attempt}`;
        await this.client.create({
          apiVersion: 'v1', kind: 'Pod', metadata: { name: parked, namespace: this.ns },
          spec: { nodeName, containers: [{ name: 'placeholder', image: 'registry.invalid/placeholder:in-process-test' }] },
        });
        await waitForReadyPods(this.client, this.ns, [parked]);
        await this.createPod(p.metadata.name, nodeName);
      }
    }
  }

  private claimName(podName: string): string {
    return `redis-enterprise-storage-${podName}`;
  }

  private async createClaims(podNames: string[]): Promise<void> {
    await ensureAvailableVolumes(this.client, podNames.length);
    for (const podName of podNames) {
      await this.client.create({
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: this.claimName(podName), namespace: this.ns },
        spec: { storageClassName: STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      });
    }
    await waitFor('claims Bound', async () => {
      const claims = await this.client.list('v1', 'PersistentVolumeClaim', this.ns);
      return claims.filter((c) => c.status?.phase === 'Bound').length >= podNames.length || undefined;
    }, { timeoutMs: 60_000 });
  }

  private async createPod(podName: string, nodeName: string): Promise<void> {
    await this.client.create({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: podName, namespace: this.ns, labels: this.podLabels },
      spec: {
        nodeName,
        containers: [{ name: 'redis-enterprise-node', image: 'registry.invalid/redis-enterprise:in-process-test' }],
        ...(this.options.persistentClaims ? { volumes: [{ name: 'redis-enterprise-storage', persistentVolumeClaim: { claimName: this.claimName(podName) } }] } : {}),
      },
    });
  }

  /** The pod's containers are gone (its reconciler stopped, its REST API double disposed; its volume kept). */
  async podGone(node: FleetNode): Promise<void> {
    if (node.reconciler) {
      await node.reconciler.stop();
      this.retired.push(node.reconciler);
      node.reconciler = undefined;
    }
    await node.double.dispose();
  }

  /**
   * What the StatefulSet controller and the kubelet do for a deleted pod: the
   * pod is created again with the same name, node and claim, gets an IP, and
   * its containers start: a fresh Redis Enterprise node holding the old
   * volume, and a new reconciler.
   */
  async recreatePod(node: FleetNode): Promise<void> {
    const ref = this.ref('v1', 'Pod', node.podName);
    await waitFor(`pod ${node.podName} deleted`, async () => (await this.client.tryGet(ref)) === undefined || undefined, { timeoutMs: 60_000 });
    await this.createPod(node.podName, node.nodeName);
    const [pod] = await this.readyPodsWithDistinctIps([node.podName], () => node.nodeName);
    node.podIp = pod.status.podIP;
    node.double = new RedisEnterpriseApiDouble({ registry: this.registry, addr: node.podIp, volume: node.double.volume });
    node.started = await node.double.start();
    await this.startReconciler(node);
  }

  /** Emulates the StatefulSet controller: a fleet pod deleted by someone else (the reconciler) comes back. Returns a stop function. */
  followPodDeletions(onRecreated?: (node: FleetNode) => void): () => Promise<void> {
    let stopped = false;
    const busy = new Set<string>();
    const loop = (async () => {
      while (!stopped) {
        for (const node of this.nodes) {
          if (busy.has(node.podName) || !node.reconciler) continue;
          const pod = await this.client.tryGet(this.ref('v1', 'Pod', node.podName));
          if (pod && !pod.metadata.deletionTimestamp) continue;
          busy.add(node.podName);
          await this.podGone(node);
          await this.recreatePod(node);
          onRecreated?.(node);
          busy.delete(node.podName);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return async () => { stopped = true; await loop; };
  }

  /** Every reconciler's metric summed, stopped ones included. */
  metricTotal(read: (r: RunningReconciler) => number): number {
    return [...this.retired, ...this.nodes.map((n) => n.reconciler).filter((r): r is RunningReconciler => !!r)].reduce((n, r) => n + read(r), 0);
  }

  config(node: FleetNode): ReconcilerConfig {
    const { cluster } = this.state;
    return {
      podName: node.podName,
      namespace: this.ns,
      podIp: node.podIp,
      nodeName: node.nodeName,
      rackId: cluster.rackAwarenessNodeLabel ? node.rackId : undefined,
      clusterName: cluster.name,
      apiUrl: node.started.url,
      desiredStateConfigMap: `${cluster.name}-desired-state`,
      httpPort: 0,
      httpHost: '127.0.0.1',
      resyncSeconds: this.options.resyncSeconds ?? 3600,
      leaseName: `${cluster.name}-leader`,
      leaseDurationSeconds: this.options.leaseDurationSeconds ?? 3,
      restTimeoutMs: 2000,
      logLevel: 'debug',
      prestopTimeoutMs: this.options.prestopTimeoutMs ?? 10_000,
      // In-process stops need no grace for a preStop request: tests call /prestop themselves.
      shutdownPrestopWaitMs: 0,
      databasePasswordGraceMs: this.options.databasePasswordGraceMs ?? 0,
    };
  }

  async startReconciler(node: FleetNode, serveHttp = false): Promise<RunningReconciler> {
    node.reconciler = await startReconciler({
      config: this.config(node),
      kube: node.kube,
      log: this.log,
      apiCa: node.started.caCertPem,
      poll: { timeoutMs: 10_000, intervalMs: 10 },
      serveHttp,
    });
    return node.reconciler;
  }

  async startAll(serveHttp = false): Promise<void> {
    for (const n of this.nodes) await this.startReconciler(n, serveHttp);
  }

  leaderNode(): FleetNode | undefined {
    return this.nodes.find((n) => n.reconciler?.leader.isLeader);
  }

  /** Waits (polling) until `check` holds; fails with `what` and the status document last seen. */
  async until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    let polls = 0;
    await waitFor(what, async (observe) => {
      if (await check()) return true;
      if (polls++ % 20 === 0) {
        const s = await this.status().catch(() => undefined);
        observe({ clusterState: s?.clusterState, lastError: s?.lastError, desiredState: s?.desiredState });
      }
      return undefined;
    }, { timeoutMs, intervalMs: 50 });
  }

  // ---- reading and writing the namespace as a user would (admin client) ------

  ref(apiVersion: string, kind: string, name: string) {
    return { apiVersion, kind, name, namespace: this.ns };
  }

  get(kind: 'ConfigMap' | 'Secret' | 'Pod' | 'EndpointSlice' | 'Lease', name: string): Promise<KubeObject | undefined> {
    const apiVersion = kind === 'EndpointSlice' ? 'discovery.k8s.io/v1' : kind === 'Lease' ? 'coordination.k8s.io/v1' : 'v1';
    return this.client.tryGet(this.ref(apiVersion, kind, name));
  }

  slice(name: string): Promise<KubeObject | undefined> {
    return this.get('EndpointSlice', name);
  }

  slices(): Promise<KubeObject[]> {
    return this.client.list('discovery.k8s.io/v1', 'EndpointSlice', this.ns, { labelSelector: 'endpointslice.kubernetes.io/managed-by=redis-enterprise-reconciler' });
  }

  events(reason?: string): Promise<KubeObject[]> {
    return this.client.list('v1', 'Event', this.ns).then((all) => all.filter((e) => reason === undefined || e.reason === reason));
  }

  /** The reconciler's status document, from the status ConfigMap. */
  status(): Promise<any> {
    return readStatusDocument(this.client, this.ns, this.state.cluster.name);
  }

  /** Creates or replaces a Secret (as a user or another controller would). */
  async putSecret(name: string, stringData: Record<string, string>, type = 'Opaque'): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.ns }, type, stringData };
    const live = await this.get('Secret', name);
    if (!live) await this.client.create(body);
    else await this.client.call('PUT', await this.client.pathFor(this.ref('v1', 'Secret', name)), { ...body, data: undefined });
  }

  /** Applies a new desired-state ConfigMap (the synthesized one of a changed app). */
  async applyDesired(fixture: Fixture): Promise<void> {
    // As an apply of the changed program would: the reconciler's RBAC (it may name new claims or
    // Secrets) before its new input. Not the other ConfigMaps: the status one is the reconciler's.
    const rbac = fixture.objects.filter((o) => RBAC_KINDS.has(o.kind) && o.metadata.namespace === this.ns);
    await this.client.apply([...rbac, fixture.configMap], 'in-process-fleet');
    this.state = fixture.state;
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.reconciler?.stop();
    for (const n of this.nodes) {
      await n.double.dispose();
      n.kube.close();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    await deleteNamespace(this.client, this.ns);
  }
}
