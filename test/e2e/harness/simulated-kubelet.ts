/**
 * The simulated kubelet: for the pods of the `<rec>` StatefulSet in one
 * namespace it does what a kubelet running the Redis Enterprise container and
 * the reconciler sidecar would do, so that the real StatefulSet controller
 * drives scale, rollouts and restarts. kwok only marks pods Running and runs
 * nothing; for pods marked by {@link runBySimulatedKubelet} it leaves
 * readiness to the prober and termination to this class (kwok-stages.ts).
 *
 * - Start: a pod that is Running with an IP gets its containers (simulated-pod.ts):
 *   a REST API double keyed by the uid of the pod's `redis-enterprise-storage`
 *   claim (the same claim gives back the same Redis Enterprise node, uid and
 *   state, at the pod's new IP; a new claim gives an empty node), whose
 *   software version follows the pod's image, and an in-process reconciler
 *   configured from the pod.
 * - Readiness: the pod's real startup/readiness/liveness probes against
 *   those stand-ins (prober.ts).
 * - Termination (deletionTimestamp): the `redis-enterprise-node` preStop hook
 *   (httpGet → the sidecar's /prestop) while the sidecar gets its SIGTERM, as
 *   the kubelet kills a pod's containers in parallel, bounded by the grace
 *   period; then the node stops (down, state kept with the claim) and the pod
 *   is deleted with grace period 0, as the kubelet does at the end.
 * - Faults: {@link SimulatedKubelet.crash} (containers killed, no preStop)
 *   and {@link SimulatedKubelet.loseStorage} (the claim is gone too).
 *
 * Every action is in {@link SimulatedKubelet.history}. Not simulated:
 * container restarts in place (a crash deletes the pod instead), exec hooks,
 * the FailedPreStopHook Event.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nodePodSelector } from '../../../lib/contract/labels';
import { NODE_CONTAINER_NAME, STORAGE_VOLUME_NAME } from '../../../lib/contract/names';
import { RECONCILER_PORT, REST_API_PORT } from '../../../lib/contract/ports';
import { KubeClient as ReconcilerKubeClient } from '../../../lib/reconciler/io/kube-client';
import { kubeconfigConnection } from '../../../lib/reconciler/io/kube-config';
import { RunningReconciler, startReconciler } from '../../../lib/reconciler/runtime/app';
import { ReconcilerConfig } from '../../../lib/reconciler/runtime/config';
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { createLogger, Logger, silentLogger } from '../../../lib/reconciler/runtime/logger';
import { KubeClient, KubeObject, waitFor } from '../../support/kube-client';
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble } from '../../support/redis-enterprise-api-double';
import { serviceAccountKubeconfigFile } from '../reconciler-in-process/support/fleet';
import { PlaneInfo } from './connection';
import { withDeadline } from './deadline';
import {
  annotateStatefulSetPods, PROBED_BY_PROBER, PROBED_POD_ANNOTATION, TERMINATED_BY_SIMULATED_KUBELET, TERMINATED_POD_ANNOTATION,
} from './kwok-stages';
import { MAX_TIMER_MS, runHttpHook } from './lifecycle-hook';
import { podContainer } from './pod-container';
import { Prober } from './prober';
import { kubeWritesBesidesLeases, kubeWritesByVerbResource } from './reconciler-writes';
import { nodeImageOf, reconcilerConfigOf, SimulatedNode, softwareVersionOfImage } from './simulated-pod';
import { ensureAvailableVolumes } from './storage';
import { claimOfPod } from './workloads';

export type { SimulatedNode } from './simulated-pod';
export { softwareVersionOfImage } from './simulated-pod';

export interface SimulatedKubeletOptions {
  client: KubeClient;
  info: PlaneInfo;
  namespace: string;
  /** The RedisEnterpriseCluster name (StatefulSet `<rec>`). */
  clusterName: string;
  /** REST doubles of this cluster. */
  registry: ApiDoubleClusterRegistry;
  /** Overrides of what the reconcilers read from the pod's env, e.g. resyncSeconds, leaseDurationSeconds, prestopTimeoutMs. */
  reconcilerConfig?: Partial<ReconcilerConfig>;
  /** Every reconciler log line (debug and up, with its pod) and every history entry. */
  logSink?: (line: string) => void;
}

export interface KubeletAction {
  /** Epoch ms. */
  at: number;
  pod: string;
  /** started | preStop called | preStop answered | preStop failed | stopped | deleted | crashed | storage lost | gone | start failed | error */
  what: string;
  detail?: string;
}

/** How often the kubelet looks at the pods. */
const DISCOVERY_MS = 300;
/** Bound on each call to the API server. */
const CALL_MS = 30_000;
/** After this, loseStorage removes the claim's protection finalizer itself. */
const PVC_PROTECTION_MS = 15_000;

/** Marks the `<rec>` StatefulSet's pod template so that the simulated kubelet (not kwok) runs its pods' probes and termination. */
export function runBySimulatedKubelet(objects: KubeObject[]): KubeObject[] {
  return annotateStatefulSetPods(objects, { [PROBED_POD_ANNOTATION]: PROBED_BY_PROBER, [TERMINATED_POD_ANNOTATION]: TERMINATED_BY_SIMULATED_KUBELET });
}

type RunPhase = 'starting' | 'running' | 'terminating' | 'stopped';

/** One pod (by uid) the kubelet runs. */
interface PodRun {
  name: string;
  uid: string;
  phase: RunPhase;
  node?: SimulatedNode;
}

export class SimulatedKubelet {
  private readonly actions: KubeletAction[] = [];
  private readonly runs = new Map<string, PodRun>();
  /** One REST double per claim uid: the node's persistent identity. */
  private readonly doubles = new Map<string, RedisEnterpriseApiDouble>();
  /** Per pod name, the kubelet's work in order (start, terminate, kill). */
  private readonly lanes = new Map<string, Promise<void>>();
  /** Pods deleted before they ran, being removed. */
  private readonly reaping = new Set<string>();
  private readonly prober: Prober;
  private readonly log: (pod: string) => Logger;
  private readonly dir: string;
  private kubeconfig?: Promise<string>;
  private timer?: NodeJS.Timeout;
  private discovering?: Promise<void>;
  private stopped = false;
  /** Errors of the kubelet itself (discovery, starts, deletes): a test can assert there were none. */
  readonly errors: string[] = [];

  private constructor(private readonly o: SimulatedKubeletOptions) {
    this.prober = new Prober(o.client);
    this.dir = fs.mkdtempSync(path.join(o.info.workDir, `simulated-kubelet-${o.namespace}-`));
    this.log = (pod) => (o.logSink ? createLogger('debug', { pod }, o.logSink) : silentLogger);
  }

  /** Starts following the pods of `<rec>` in the namespace. */
  static async start(o: SimulatedKubeletOptions): Promise<SimulatedKubelet> {
    const k = new SimulatedKubelet(o);
    k.prober.watch(o.namespace);
    k.schedule(0);
    return k;
  }

  /** Every action it took, in order, for assertions and failure messages. */
  get history(): ReadonlyArray<KubeletAction> {
    return this.actions;
  }

  /** Errors of the prober writing pod status. */
  get proberErrors(): readonly string[] {
    return this.prober.errors;
  }

  /** Probe counts of one container of a pod (see Prober.stats). */
  probeStats(pod: string, container: string) {
    return this.prober.stats(this.o.namespace, pod, container);
  }

  /** Running pods (containers started, not yet stopped), by ordinal. */
  nodes(): SimulatedNode[] {
    return [...this.runs.values()]
      .filter((r) => (r.phase === 'running' || r.phase === 'terminating') && r.node)
      .map((r) => r.node!)
      .sort((a, b) => this.ordinal(a.pod) - this.ordinal(b.pod));
  }

  node(pod: string): SimulatedNode | undefined {
    return this.nodes().find((n) => n.pod === pod);
  }

  /** Every pod it ever started, stopped ones included, in start order (e.g. to sum the reconcilers' metrics). */
  allNodes(): SimulatedNode[] {
    return [...this.runs.values()].filter((r) => r.node).map((r) => r.node!);
  }

  /** The reconcilers it ran, stopped ones included (their metrics still count). */
  private reconcilers(): RunningReconciler[] {
    return this.allNodes().map((n) => n.reconciler).filter((r): r is RunningReconciler => !!r);
  }

  /**
   * Kubernetes writes of every reconciler it ran (stopped ones included),
   * counted by the reconcilers' own client (M.kubeWrites), Lease writes
   * (leader election) left out.
   */
  kubeWritesBesidesLeases(): number {
    return this.reconcilers().reduce((sum, r) => sum + kubeWritesBesidesLeases(r), 0);
  }

  /** The same writes by `verb resource` (e.g. `delete statefulsets`), zeros left out. */
  kubeWritesByVerbResource(): Record<string, number> {
    return kubeWritesByVerbResource(this.reconcilers());
  }

  /** The REST double of a claim (by uid), running or not. */
  doubleOfClaim(claimUid: string): RedisEnterpriseApiDouble | undefined {
    return this.doubles.get(claimUid);
  }

  /** Kill the pod's containers without preStop (node down, storage kept); the pod is deleted with grace 0, the StatefulSet recreates it. */
  async crash(pod: string): Promise<void> {
    const run = this.current(pod);
    await this.enqueue(pod, async () => {
      this.record(pod, 'crashed');
      await this.kill(run);
      await this.deletePod(run);
    });
  }

  /** The pod comes back with empty storage: its PVC is deleted (protection finalizer handled) and the pod deleted; the new claim gives a fresh node. */
  async loseStorage(pod: string): Promise<void> {
    const run = this.current(pod);
    const { claim, claimUid } = run.node!;
    await this.enqueue(pod, async () => {
      this.record(pod, 'storage lost', `claim ${claim} (uid ${claimUid})`);
      await this.kill(run);
      // A new claim needs an Available PV (the pool's PVs are Retain: the old one stays Released).
      await ensureAvailableVolumes(this.o.client, 1);
      const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: this.o.namespace, name: claim };
      await this.call(`delete claim ${claim}`, async () => this.o.client.call('DELETE', await this.o.client.pathFor(ref),
        { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: claimUid } }));
      await this.deletePod(run);
      await this.claimGone(ref, claimUid);
    });
  }

  /** Stops every reconciler and double, stops following; hands the pods left back to kwok (which deletes them when they terminate). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.discovering;
    await Promise.all([...this.lanes.values()]);
    for (const run of this.runs.values()) if (run.phase !== 'stopped') await this.kill(run, 'the simulated kubelet stopped');
    await this.prober.stop();
    for (const d of this.doubles.values()) await d.dispose();
    await this.releasePods().catch((e) => this.errors.push(`releasing pods: ${(e as Error).message}`));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- following the pods --------------------------------------------------

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.discovering = this.discover()
        .catch((e) => { this.errors.push(`discovery: ${(e as Error).message}`); })
        .finally(() => { if (!this.stopped) this.schedule(DISCOVERY_MS); });
    }, ms);
  }

  private async discover(): Promise<void> {
    const pods = (await withDeadline(this.o.client.list('v1', 'Pod', this.o.namespace, { labelSelector: nodePodSelector(this.o.clusterName) }),
      CALL_MS, `list pods of ${this.o.namespace}`)).filter((p) => p.metadata.annotations?.[TERMINATED_POD_ANNOTATION] === TERMINATED_BY_SIMULATED_KUBELET);
    if (this.stopped) return;
    const present = new Set(pods.map((p) => p.metadata.uid as string));
    // First the runs whose pod is gone (deleted by someone else with grace 0): a recreated pod of the same name starts after.
    for (const run of this.runs.values()) {
      if (present.has(run.uid) || run.phase === 'stopped' || run.phase === 'terminating') continue;
      run.phase = 'terminating';
      this.background(run.name, async () => {
        this.record(run.name, 'gone', 'the pod was deleted without termination');
        await this.kill(run);
      });
    }
    for (const pod of pods) {
      const uid: string = pod.metadata.uid;
      const run = this.runs.get(uid);
      const deleting = !!pod.metadata.deletionTimestamp;
      if (!run) {
        if (deleting) this.reap(pod);
        else if (pod.status?.phase === 'Running' && pod.status.podIP) this.startPod(pod);
      } else if (deleting && (run.phase === 'starting' || run.phase === 'running')) {
        run.phase = 'terminating';
        this.background(run.name, () => this.terminate(run, pod));
      }
    }
  }

  /**
   * Runs `work` after the pod's earlier work. Answers its outcome (crash and
   * loseStorage reject with its error); the lane itself goes on, the error
   * kept in `errors` and the history.
   */
  private enqueue(pod: string, work: () => Promise<void>): Promise<void> {
    const done = (this.lanes.get(pod) ?? Promise.resolve()).then(work);
    this.lanes.set(pod, done.catch((e) => {
      this.errors.push(`${pod}: ${(e as Error).message}`);
      this.record(pod, 'error', (e as Error).message);
    }));
    return done;
  }

  /** Work the kubelet starts itself: its failure is in `errors` and the history, nobody awaits it. */
  private background(pod: string, work: () => Promise<void>): void {
    this.enqueue(pod, work).catch(() => undefined);
  }

  private current(pod: string): PodRun {
    const run = [...this.runs.values()].find((r) => r.name === pod && r.phase === 'running');
    if (!run) throw new Error(`simulated kubelet: pod ${pod} is not running (history: ${JSON.stringify(this.actions.filter((a) => a.pod === pod).slice(-5))})`);
    return run;
  }

  // ---- start -----------------------------------------------------------------

  private startPod(pod: KubeObject): void {
    const run: PodRun = { name: pod.metadata.name, uid: pod.metadata.uid, phase: 'starting' };
    this.runs.set(run.uid, run);
    this.background(run.name, async () => {
      if (this.stopped || run.phase !== 'starting') return;
      try {
        run.node = await this.startContainers(pod);
      } catch (e) {
        // The pod stays Running and unready, as one whose container cannot start.
        this.errors.push(`${run.name}: start failed: ${(e as Error).message}`);
        this.record(run.name, 'start failed', (e as Error).message);
        return;
      }
      // A termination seen meanwhile is queued after this start.
      if (run.phase === 'starting') run.phase = 'running';
      const n = run.node;
      this.record(run.name, 'started', `ip ${n.ip}, claim ${n.claim} (uid ${n.claimUid}), Redis Enterprise node ${n.double.nodeUid ?? 'new'}, ${n.image}`);
    });
  }

  private async startContainers(pod: KubeObject): Promise<SimulatedNode> {
    const { namespace, client } = this.o;
    const name: string = pod.metadata.name;
    const claim = claimOfPod(pod, STORAGE_VOLUME_NAME);
    if (!claim) throw new Error(`pod ${name} mounts no ${STORAGE_VOLUME_NAME} claim`);
    const pvc = await this.call(`get claim ${claim}`, () => client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: claim }));
    const claimUid: string = pvc.metadata.uid;
    const ip: string = pod.status.podIP;
    const image = nodeImageOf(pod);
    const version = softwareVersionOfImage(image);
    let double = this.doubles.get(claimUid);
    if (double) {
      double.rebind(ip);
      double.upgradeSoftware(version);
    } else {
      double = new RedisEnterpriseApiDouble({ registry: this.o.registry, addr: ip, softwareVersion: version });
      this.doubles.set(claimUid, double);
    }
    const started = await double.start();
    this.prober.standIns(namespace, name, { [REST_API_PORT]: started.port });
    const kubeconfig = await (this.kubeconfig ??= serviceAccountKubeconfigFile(client, this.o.info, namespace, pod.spec.serviceAccountName, this.dir));
    const kube = new ReconcilerKubeClient(kubeconfigConnection(kubeconfig), namespace);
    const config = reconcilerConfigOf(pod, started.url, this.o.reconcilerConfig);
    const node: SimulatedNode = {
      pod: name, podUid: pod.metadata.uid, ip, nodeName: pod.spec.nodeName, claim, claimUid, image, double, started, config, kube,
    };
    try {
      node.reconciler = await startReconciler({
        config, kube, log: this.log(name), apiCa: started.caCertPem, poll: { timeoutMs: 60_000, intervalMs: 50 }, serveHttp: true,
      });
    } catch (e) {
      kube.close();
      await double.stop();
      throw e;
    }
    node.reconcilerPort = boundPort(node.reconciler.server!);
    this.prober.standIns(namespace, name, { [REST_API_PORT]: started.port, [RECONCILER_PORT]: node.reconcilerPort });
    return node;
  }

  // ---- termination -----------------------------------------------------------

  /** The kubelet's termination of a pod whose deletion was requested. */
  private async terminate(run: PodRun, pod: KubeObject): Promise<void> {
    const node = run.node;
    if (!node) return this.deletePod(run);
    const graceSeconds: number = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const deadline = Date.now() + graceSeconds * 1000;
    const container = podContainer(pod, NODE_CONTAINER_NAME);
    const preStop = container.lifecycle?.preStop;
    const ports: Record<number, number | undefined> = { [REST_API_PORT]: node.started.port, [RECONCILER_PORT]: node.reconcilerPort };
    const allPorts = (pod.spec.containers as any[]).flatMap((c) => c.ports ?? []);
    if (preStop) this.record(run.name, 'preStop called', JSON.stringify(preStop));
    const hook = preStop ? runHttpHook(preStop, allPorts, (p) => ports[p], graceSeconds * 1000) : Promise.resolve(undefined);
    // The sidecar has no preStop: it gets SIGTERM at once, while the node container's hook runs.
    const sidecarStopped = node.reconciler?.stop() ?? Promise.resolve();
    const outcome = await hook;
    if (outcome) this.record(run.name, outcome.ok ? 'preStop answered' : 'preStop failed', outcome.detail);
    this.prober.containersStopped(this.o.namespace, run.name, run.uid);
    await node.double.stop();
    const left = Math.max(0, deadline - Date.now());
    const sidecar = await Promise.race([
      sidecarStopped.then(() => 'stopped'),
      new Promise<string>((r) => setTimeout(() => r('killed'), Math.min(left, MAX_TIMER_MS)).unref()),
    ]);
    node.kube?.close();
    run.phase = 'stopped';
    this.record(run.name, 'stopped', sidecar === 'killed' ? 'the reconciler outlived the grace period (the kubelet would SIGKILL it)' : undefined);
    await this.deletePod(run);
  }

  /** Containers killed (no preStop, no grace): the node goes down with its state kept on the claim. */
  private async kill(run: PodRun, why = 'killed'): Promise<void> {
    const node = run.node;
    run.phase = 'stopped';
    this.prober.containersStopped(this.o.namespace, run.name, run.uid);
    if (!node) return;
    // SIGKILL: the reconciler does not wait for a preStop that will never come.
    if (node.config) node.config.shutdownPrestopWaitMs = 0;
    await Promise.all([node.double.stop(), node.reconciler?.stop()]);
    node.kube?.close();
    this.record(run.name, 'stopped', why);
  }

  /** The kubelet's final delete: grace period 0, only this pod (uid precondition). */
  private async deletePod(run: PodRun): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace: this.o.namespace, name: run.name };
    const res = await this.call(`delete pod ${run.name}`, async () => this.o.client.request('DELETE', await this.o.client.pathFor(ref),
      { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: run.uid } }));
    // 404: already gone; 409: the name belongs to a newer pod.
    if (res.status >= 300 && res.status !== 404 && res.status !== 409) throw new Error(`delete pod ${run.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    this.record(run.name, 'deleted', res.status === 200 ? undefined : `HTTP ${res.status}`);
  }

  /** A pod deleted before its containers ran: nothing to stop, the kubelet removes it. */
  private reap(pod: KubeObject): void {
    const uid: string = pod.metadata.uid;
    if (this.reaping.has(uid)) return;
    this.reaping.add(uid);
    const run: PodRun = { name: pod.metadata.name, uid, phase: 'stopped' };
    this.background(run.name, () => this.deletePod(run));
  }

  private async claimGone(ref: { apiVersion: string; kind: string; namespace: string; name: string }, uid: string): Promise<void> {
    const since = Date.now();
    await waitFor(`claim ${ref.name} (uid ${uid}) gone`, async (observe) => {
      const pvc = await this.o.client.tryGet(ref);
      observe(pvc ? { uid: pvc.metadata.uid, finalizers: pvc.metadata.finalizers, deleting: !!pvc.metadata.deletionTimestamp } : 'absent');
      if (!pvc || pvc.metadata.uid !== uid) return true;
      // The controller-manager's pvc-protection removes its finalizer once no pod uses the claim; if it has not, do it.
      if (Date.now() - since > PVC_PROTECTION_MS && pvc.metadata.finalizers?.length) {
        await this.o.client.patch(ref, { metadata: { uid, finalizers: null } });
      }
      return undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
  }

  /** Pods left when the kubelet stops go back to kwok: its pod-delete removes them once deleted (e.g. with their namespace). */
  private async releasePods(): Promise<void> {
    const pods = await this.o.client.list('v1', 'Pod', this.o.namespace, { labelSelector: nodePodSelector(this.o.clusterName) });
    for (const p of pods) {
      if (p.metadata.annotations?.[TERMINATED_POD_ANNOTATION] === undefined) continue;
      await this.o.client.patch({ apiVersion: 'v1', kind: 'Pod', namespace: this.o.namespace, name: p.metadata.name },
        { metadata: { annotations: { [TERMINATED_POD_ANNOTATION]: null } } }).catch(() => undefined);
    }
  }

  // ---- small helpers ---------------------------------------------------------

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withDeadline(fn(), CALL_MS, what);
  }

  private record(pod: string, what: string, detail?: string): void {
    const a: KubeletAction = { at: Date.now(), pod, what, ...(detail ? { detail } : {}) };
    this.actions.push(a);
    this.o.logSink?.(JSON.stringify({ time: new Date(a.at).toISOString(), source: 'simulated-kubelet', pod, what, detail }));
  }

  private ordinal(pod: string): number {
    const n = Number(pod.slice(this.o.clusterName.length + 1));
    return Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
  }
}
