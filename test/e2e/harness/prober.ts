/**
 * The kubelet's prober for simulated pods. kwok runs no container and no
 * probe; for pods annotated {@link PROBED_POD_ANNOTATION} (kwok-stages.ts
 * leaves their readiness alone) this prober runs each container's startup,
 * liveness and readiness probes (probe-worker.ts, probe-check.ts) against
 * the container's stand-in on 127.0.0.1, and writes what the kubelet writes:
 * `containerStatuses[].ready` / `started` and the `ContainersReady` and
 * `Ready` conditions (pod status subresource). The StatefulSet controller,
 * the EndpointSlice controller and the disruption controller then act on
 * real probe outcomes.
 *
 * Stand-ins: `standIns(ns, pod, { 9443: doublePort, 8090: reconcilerPort })`
 * maps container ports to loopback ports. A port without a stand-in refuses
 * connections, as a container that is not listening yet would.
 *
 * Not simulated: container restarts (a liveness or startup failure at its
 * threshold is counted and recorded as a Warning Event `Unhealthy`, nothing
 * restarts), exec and grpc probes (they fail), same-host redirects,
 * readiness gates.
 */
import { KubeClient, KubeObject } from '../../support/kube-client';
import { withDeadline } from './deadline';
import { annotateStatefulSetPods, PROBED_BY_PROBER, PROBED_POD_ANNOTATION } from './kwok-stages';
import { runProbe } from './probe-check';
import { ContainerProbeWorkers, ProbeKind, ProbeStats } from './probe-worker';

/** How often the prober looks for new and gone pods. */
const DISCOVERY_MS = 1000;
/** Bound on each call to the API server (see deadline.ts). */
const CALL_MS = 30_000;

/** Marks the StatefulSets' pod templates among `objects` so that their pods are probed by this prober. */
export function probedByHarness(objects: KubeObject[]): KubeObject[] {
  return annotateStatefulSetPods(objects, { [PROBED_POD_ANNOTATION]: PROBED_BY_PROBER });
}

interface PodState {
  namespace: string;
  name: string;
  uid: string;
  workers: Map<string, ContainerProbeWorkers>;
  /** Serialises this pod's status writes. */
  writing: Promise<void>;
  written?: string;
}

export class Prober {
  private readonly namespaces = new Set<string>();
  private readonly pods = new Map<string, PodState>();
  private readonly ports = new Map<string, Record<number, number>>();
  /** Pods (by uid) whose containers were stopped: the kubelet probes no stopped container. */
  private readonly stoppedPods = new Set<string>();
  private timer?: NodeJS.Timeout;
  private discovering?: Promise<void>;
  private stopped = false;
  /** Errors writing status or events: a test can assert there were none. */
  readonly errors: string[] = [];

  constructor(private readonly client: KubeClient) {}

  /** Probe the annotated pods of `namespace` from now on. */
  watch(namespace: string): void {
    this.namespaces.add(namespace);
    if (!this.timer) this.scheduleDiscovery(0);
  }

  /** What stands in for each container port of `pod`, on 127.0.0.1. */
  standIns(namespace: string, pod: string, ports: Record<number, number>): void {
    this.ports.set(`${namespace}/${pod}`, { ...ports });
  }

  /** The pod's containers stopped (it is terminating, or they were killed): no more probes and status writes for this pod. */
  containersStopped(namespace: string, pod: string, uid: string): void {
    this.stoppedPods.add(uid);
    const key = `${namespace}/${pod}`;
    if (this.pods.get(key)?.uid === uid) this.forget(key);
  }

  /** Probe counts of one container of the current pod `name` (undefined before the prober saw it running). */
  stats(namespace: string, pod: string, container: string): (Record<ProbeKind, ProbeStats> & { wouldBeRestarts: number }) | undefined {
    const w = this.pods.get(`${namespace}/${pod}`)?.workers.get(container);
    return w && { ...w.stats, wouldBeRestarts: w.wouldBeRestarts };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.discovering;
    for (const p of this.pods.values()) {
      for (const w of p.workers.values()) w.stop();
      await p.writing;
    }
    this.pods.clear();
  }

  private scheduleDiscovery(ms: number): void {
    this.timer = setTimeout(() => {
      this.discovering = this.discover()
        .catch((e) => { this.errors.push(`discovery: ${(e as Error).message}`); })
        .finally(() => { if (!this.stopped) this.scheduleDiscovery(DISCOVERY_MS); });
    }, ms);
  }

  private async discover(): Promise<void> {
    const seen = new Set<string>();
    for (const ns of this.namespaces) {
      for (const pod of await withDeadline(this.client.list('v1', 'Pod', ns), CALL_MS, `list pods of ${ns}`)) {
        if (pod.metadata.annotations?.[PROBED_POD_ANNOTATION] !== PROBED_BY_PROBER) continue;
        // Running: kwok has "started" the containers and given the pod its IP.
        if (pod.status?.phase !== 'Running' || this.stoppedPods.has(pod.metadata.uid)) continue;
        const key = `${ns}/${pod.metadata.name}`;
        seen.add(key);
        const known = this.pods.get(key);
        if (known?.uid === pod.metadata.uid) continue;
        if (known) this.forget(key);
        if (this.stopped) return;
        this.track(key, pod);
      }
    }
    for (const key of [...this.pods.keys()]) if (!seen.has(key)) this.forget(key);
  }

  private forget(key: string): void {
    const p = this.pods.get(key)!;
    for (const w of p.workers.values()) w.stop();
    this.pods.delete(key);
  }

  private track(key: string, pod: KubeObject): void {
    const state: PodState = { namespace: pod.metadata.namespace!, name: pod.metadata.name, uid: pod.metadata.uid, workers: new Map(), writing: Promise.resolve() };
    this.pods.set(key, state);
    for (const c of pod.spec.containers) {
      const workers = new ContainerProbeWorkers(c, {
        run: (_kind, probe) => runProbe(probe, c.ports ?? [], (port) => this.ports.get(key)?.[port]),
        changed: () => this.writeStatus(state, pod),
        wouldRestart: (kind, detail) => this.recordUnhealthy(state, c.name, kind, detail),
      });
      state.workers.set(c.name, workers);
    }
    this.writeStatus(state, pod);
    for (const w of state.workers.values()) w.start();
  }

  /** The kubelet's status for the pod: per container ready/started, then ContainersReady and Ready. */
  private writeStatus(state: PodState, pod: KubeObject): void {
    state.writing = state.writing.then(async () => {
      if (this.stopped || this.pods.get(`${state.namespace}/${state.name}`) !== state) return;
      const containers = [...state.workers.entries()].map(([name, w]) => ({ name, ready: w.ready, started: w.started }));
      const summary = JSON.stringify(containers);
      if (summary === state.written) return;
      const unready = containers.filter((c) => !c.ready).map((c) => c.name);
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = (type: string) => unready.length === 0
        ? { type, status: 'True', reason: null, message: null, lastTransitionTime: now }
        : { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]`, lastTransitionTime: now };
      // containerStatuses is replaced as a whole: keep what kwok wrote, change ready/started.
      const byName = new Map(containers.map((c) => [c.name, c]));
      const statuses = (pod.status.containerStatuses ?? []).map((s: any) => ({ ...s, ...byName.get(s.name) }));
      const patch = { metadata: { uid: state.uid }, status: { conditions: [condition('ContainersReady'), condition('Ready')], containerStatuses: statuses } };
      try {
        await withDeadline(this.client.patch({ apiVersion: 'v1', kind: 'Pod', namespace: state.namespace, name: state.name }, patch,
          'application/strategic-merge-patch+json', 'status'), CALL_MS, `status of ${state.name}`);
        state.written = summary;
      } catch (e) {
        this.errors.push(`status of ${state.name}: ${(e as Error).message}`);
      }
    });
  }

  private recordUnhealthy(state: PodState, container: string, kind: 'startup' | 'liveness', detail: string): void {
    const now = new Date().toISOString();
    const label = kind === 'startup' ? 'Startup' : 'Liveness';
    void withDeadline(this.client.create({
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${state.name}.${kind}.${Date.now().toString(36)}`, namespace: state.namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: state.namespace, name: state.name, uid: state.uid, fieldPath: `spec.containers{${container}}` },
      reason: 'Unhealthy', type: 'Warning',
      message: `${label} probe failed: ${detail}; the kubelet would restart container ${container} (not simulated)`,
      source: { component: 'e2e-harness-prober' }, firstTimestamp: now, lastTimestamp: now, count: 1,
    }), CALL_MS, `event for ${state.name}`).catch((e) => { this.errors.push(`event for ${state.name}: ${(e as Error).message}`); });
  }
}
