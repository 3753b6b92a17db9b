/**
 * Maintenance mode of this pod's node, around a pod stop.
 *
 * Before Kubernetes stops the node container, its preStop hook calls
 * `/prestop`: {@link NodeMaintenance.prepareForStop} turns maintenance mode on
 * (documented `POST /v1/nodes/{uid}/actions/maintenance_on`: the node's shards
 * and endpoints move to other nodes) and follows the action, within
 * `PRESTOP_TIMEOUT_SECONDS`. Whatever happens it answers: the kubelet stops
 * the container either way, and a hook that never returns would hold the pod
 * for its whole grace period (one year by default).
 *
 * Redis Enterprise keeps maintenance mode in its configuration store, so the
 * node is still in it when the pod comes back. {@link NodeMaintenance.leaveAfterRestart}
 * therefore runs `maintenance_off` once per process start, when the node has
 * a maintenance snapshot and this pod is not terminating. Why that is safe:
 * in this deployment nothing but the preStop drain turns maintenance on, and
 * a running, non-terminating pod is by definition back from the stop the
 * drain prepared. A pod that is terminating keeps its node in maintenance
 * (the drain is for that termination). Readiness waits for this, so a
 * StatefulSet rollout only stops the next pod once this node serves again.
 * The one casualty: maintenance turned on by hand (rladmin) is undone when
 * the sidecar restarts.
 *
 * Documented: activations stack (two maintenance_on need two
 * maintenance_off). So maintenance_on is never sent while a maintenance
 * snapshot exists or an action runs, which also makes `/prestop` idempotent;
 * the two flows never overlap.
 *
 * Scale-in is a stop that is not a restart: when the pod's ordinal is at or
 * above the declared `nodes` (read from the desired-state ConfigMap at that
 * moment: it is applied before the StatefulSet shrinks), the pod is leaving
 * for good, so `/prestop` removes its node from the cluster instead
 * (documented `POST /v1/nodes/{uid}/actions/remove`, which migrates its
 * shards and endpoints first) and follows it within the same bound. Refused
 * when unsafe (plan/membership.ts `removalRefusal`: the quorum of the
 * remaining nodes, a replicated database's replica, memory): that is reported
 * (Event `NodeRemovalRefused`) and the node is drained as for a restart; the
 * leader removes it later, once safe (duties/membership-duty.ts).
 */
import { sleep } from '../runtime/backoff';
import { ReconcilerConfig } from '../runtime/config';
import { EventRecorder, InvolvedObject } from '../io/events';
import { Pod } from '../io/kube-types';
import { Logger, errorMessage } from '../runtime/logger';
import { M, Metrics } from '../runtime/metrics';
import { FollowOutcome, followNodeAction, isPending, localNodeUid, nodeActionStatus } from './node-actions';
import { ReApi, ReApiError } from '../io/re-api';
import { NodeActionName, ReNode } from '../io/re-types';
import { DesiredCluster } from '../../contract/desired-state';
import { podOrdinal } from '../runtime/config';
import { hostnamesOf, members, removalRefusal } from '../plan/membership';
import { followOwnRemoval, startRemoval } from './node-removal';

export interface NodeMaintenanceDeps {
  config: Pick<ReconcilerConfig, 'podName' | 'podIp' | 'prestopTimeoutMs' | 'clusterName'>;
  /**
   * The declared cluster as the desired-state ConfigMap says it now (not the
   * last pass's copy); undefined when it cannot be read. Without it every
   * stop is a restart.
   */
  declaredCluster?: () => Promise<Pick<DesiredCluster, 'nodes' | 'nodeMemoryBytes'> | undefined>;
  re: ReApi;
  events: EventRecorder;
  log: Logger;
  metrics: Metrics;
  /** The REST client has admin credentials (the controller reads them on its first pass). */
  hasCredentials(): boolean;
  /** How often actions are polled. */
  intervalMs: number;
}

export interface DrainResult {
  outcome: 'drained' | 'already' | 'skipped' | 'removed' | 'timeout' | 'failed';
  message: string;
}

interface ExitResult {
  outcome: 'none' | 'left' | 'failed' | 'timeout';
  message: string;
}

/** How long a drain waits for the controller to read the admin credentials. */
const CREDENTIALS_WAIT_MS = 30_000;

export class NodeMaintenance {
  private drain?: Promise<DrainResult>;
  private drainRequested = false;
  private exitState: 'unchecked' | 'running' | 'done' = 'unchecked';
  private exitRun?: Promise<void>;
  private readonly waiters: Array<() => void> = [];
  /** Aborted only when the process ends, never on SIGTERM: a drain must outlive the rest of the shutdown. */
  private readonly abort = new AbortController();

  constructor(private readonly d: NodeMaintenanceDeps) {
    d.metrics.declare(M.prestop, 'counter', 'preStop drains (maintenance_on before the pod stops; remove on scale-in), by outcome');
    d.metrics.declare(M.maintenanceOff, 'counter', 'maintenance_off runs after a restart, by outcome');
  }

  private get pod(): InvolvedObject {
    return { kind: 'Pod', name: this.d.config.podName };
  }

  /** A drain is running. */
  get draining(): boolean {
    return this.drain !== undefined;
  }

  /** False until the start-up check for leftover maintenance mode has ended (readiness). */
  get settledAfterStart(): boolean {
    return this.exitState === 'done';
  }

  /** `/prestop`: concurrent calls share one drain; a later call finds the node in maintenance and answers at once. */
  prepareForStop(): Promise<DrainResult> {
    this.drainRequested = true;
    if (!this.drain) {
      this.drain = this.runDrain().finally(() => { this.drain = undefined; });
      for (const w of this.waiters.splice(0)) w();
    }
    return this.drain;
  }

  /**
   * Shutdown: waits for a drain that runs, or that starts within `waitMs`
   * (the kubelet calls the node container's preStop while it signals this
   * container, so the request may come just after SIGTERM).
   */
  async settle(waitMs: number): Promise<void> {
    if (!this.drain && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    await this.drain?.catch(() => undefined);
  }

  /** Process end: stops polling (a start-up maintenance_off keeps running in Redis Enterprise, unfollowed). */
  close(): void {
    this.abort.abort();
  }

  /** Called on each pass once the node is in the cluster; starts the one start-up check, never blocks the pass. */
  leaveAfterRestart(pods: Pod[]): void {
    if (this.exitState !== 'unchecked') return;
    if (this.drainRequested) {
      this.exitState = 'done';
      return;
    }
    const own = pods.find((p) => p.metadata.name === this.d.config.podName);
    if (!own) return;
    if (own.metadata.deletionTimestamp) {
      this.exitState = 'done';
      this.d.log.info('pod is terminating: its node is left as it is (maintenance mode stays on if the drain turned it on)');
      return;
    }
    this.exitState = 'running';
    this.exitRun = this.runExit().finally(() => {
      this.exitState = 'done';
      this.exitRun = undefined;
    });
  }

  // ---- drain (preStop) -------------------------------------------------------

  private async runDrain(): Promise<DrainResult> {
    const deadline = Date.now() + this.d.config.prestopTimeoutMs;
    // A maintenance_off from the start-up check must end first, or it would undo the drain.
    await this.exitRun;
    const result = await this.retrying<DrainResult>(deadline, () => this.drainSteps(deadline), (message) => ({ outcome: 'failed', message }));
    this.d.metrics.inc(M.prestop, { outcome: result.outcome });
    if (result.outcome === 'timeout' || result.outcome === 'failed') {
      this.d.log.warn('preStop drain did not complete; the pod stops anyway', { outcome: result.outcome, detail: result.message });
      await this.d.events.record(this.pod, 'Warning', result.outcome === 'timeout' ? 'PreStopDrainTimeout' : 'PreStopDrainFailed', result.message);
    } else {
      this.d.log.info('preStop drain', { outcome: result.outcome, detail: result.message });
      if (result.outcome === 'drained') await this.d.events.record(this.pod, 'Normal', 'NodeMaintenanceOn', result.message);
      if (result.outcome === 'removed') await this.d.events.record(this.pod, 'Normal', 'NodeRemoved', result.message);
    }
    return result;
  }

  private async drainSteps(deadline: number): Promise<DrainResult> {
    if (!(await this.credentialsWithin(Math.min(deadline, Date.now() + CREDENTIALS_WAIT_MS)))) {
      return { outcome: 'failed', message: 'admin credentials not read yet: cannot put the node into maintenance mode' };
    }
    const uid = await localNodeUid(this.d.re, this.d.config.podIp);
    if (uid === undefined) return { outcome: 'skipped', message: 'this node is not in a cluster: nothing to move' };
    const nodes = await this.d.re.listNodes();
    if (!nodes.some((n) => n.uid !== uid)) return { outcome: 'skipped', message: `node ${uid} is the only node: there is nowhere to move its shards` };
    const removal = await this.removeOnScaleIn(uid, nodes, deadline);
    if (removal) return removal;
    const running = await nodeActionStatus(this.d.re, uid, 'maintenance_on');
    if (!isPending(running)) {
      if ((await this.d.re.nodeStatus(uid)).maintenance_snapshot) {
        return { outcome: 'already', message: `node ${uid} is already in maintenance mode` };
      }
      await this.start(uid, 'maintenance_on');
      this.d.log.info('maintenance mode requested before the pod stops', { node: uid });
    }
    const out = await followNodeAction(this.d.re, uid, 'maintenance_on', deadline, this.d.intervalMs, this.abort.signal);
    return this.describe(uid, out, deadline);
  }

  /** Scale-in: removes this pod's node. Undefined for a restart, or when the removal is refused (then the node is drained). */
  private async removeOnScaleIn(uid: number, nodes: ReNode[], deadline: number): Promise<DrainResult | undefined> {
    const declared = await this.declared();
    const ordinal = podOrdinal(this.d.config.podName, this.d.config.clusterName);
    if (!declared || ordinal === undefined || ordinal < declared.nodes) return undefined;
    const why = `scale-in: ordinal ${ordinal} is at or above the ${declared.nodes} declared nodes`;
    if (!isPending(await nodeActionStatus(this.d.re, uid, 'remove'))) {
      const [statuses, bdbs] = await Promise.all([this.d.re.nodesStatus(), this.d.re.listBdbs()]);
      const all = members({ nodes, hostnames: hostnamesOf(statuses), pods: [], previous: [], podPrefix: `${this.d.config.clusterName}-` });
      const refusal = removalRefusal(uid, { members: all, bdbs, nodeMemoryBytes: declared.nodeMemoryBytes });
      if (refusal) {
        const message = `node ${uid} is not removed (${why}): ${refusal}; it is drained instead and the leader removes it once that is safe`;
        this.d.log.warn('scale-in removal refused', { node: uid, reason: refusal });
        await this.d.events.record(this.pod, 'Warning', 'NodeRemovalRefused', message);
        return undefined;
      }
      await startRemoval(this.d.re, uid);
      this.d.log.info('removing this node from the cluster before the pod stops', { node: uid, ordinal, declared: declared.nodes });
    }
    const out = await followOwnRemoval(this.d.re, uid, () => localNodeUid(this.d.re, this.d.config.podIp), deadline, this.d.intervalMs, this.abort.signal);
    switch (out.result) {
      case 'removed':
        return { outcome: 'removed', message: `node ${uid} was removed from the cluster (${why}); its shards and endpoints moved to other nodes` };
      case 'failed':
        return { outcome: 'failed', message: `node ${uid}: ${out.detail} (${why})` };
      case 'timeout':
        return { outcome: 'timeout', message: `node ${uid}: remove not finished within ${Math.round(this.d.config.prestopTimeoutMs / 1000)} s (PRESTOP_TIMEOUT_SECONDS); the leader finishes it once the pod is gone` };
    }
  }

  private async declared(): Promise<Pick<DesiredCluster, 'nodes' | 'nodeMemoryBytes'> | undefined> {
    try {
      return await this.d.declaredCluster?.();
    } catch (e) {
      this.d.log.warn('desired state not readable at preStop: treating the stop as a restart', { error: errorMessage(e) });
      return undefined;
    }
  }

  private async describe(uid: number, out: FollowOutcome, deadline: number): Promise<DrainResult> {
    const seconds = Math.round(this.d.config.prestopTimeoutMs / 1000);
    switch (out.result) {
      case 'completed':
        return { outcome: 'drained', message: `node ${uid} is in maintenance mode: its shards and endpoints moved to other nodes` };
      case 'failed':
        return { outcome: 'failed', message: `node ${uid}: ${out.detail}` };
      case 'timeout':
        return { outcome: 'timeout', message: `node ${uid}: maintenance_on not finished within ${seconds} s (PRESTOP_TIMEOUT_SECONDS)` };
      case 'gone': {
        // The status was removed (DELETE by someone): the node itself tells whether it is in maintenance.
        const inMaintenance = Date.now() < deadline && (await this.d.re.nodeStatus(uid)).maintenance_snapshot !== undefined;
        return inMaintenance
          ? { outcome: 'drained', message: `node ${uid} is in maintenance mode` }
          : { outcome: 'failed', message: `node ${uid}: the maintenance_on action disappeared before it completed` };
      }
    }
  }

  private async credentialsWithin(until: number): Promise<boolean> {
    while (!this.d.hasCredentials() && Date.now() < until && !this.abort.signal.aborted) await sleep(100, this.abort.signal);
    return this.d.hasCredentials();
  }

  // ---- leave maintenance after a restart --------------------------------------

  private async runExit(): Promise<void> {
    const deadline = Date.now() + this.d.config.prestopTimeoutMs;
    const result = await this.retrying<ExitResult>(deadline, () => this.exitSteps(deadline), (message) => ({ outcome: 'failed', message }));
    // Cut short by the process ending: no verdict to report.
    if (this.abort.signal.aborted) return;
    this.d.metrics.inc(M.maintenanceOff, { outcome: result.outcome });
    if (result.outcome === 'left') {
      this.d.log.info('node left maintenance mode after the pod restarted', { detail: result.message });
      await this.d.events.record(this.pod, 'Normal', 'NodeMaintenanceOff', result.message);
    } else if (result.outcome !== 'none') {
      this.d.log.warn('could not take the node out of maintenance mode', { outcome: result.outcome, detail: result.message });
      await this.d.events.record(this.pod, 'Warning', 'MaintenanceOffFailed', result.message);
    }
  }

  private async exitSteps(deadline: number): Promise<ExitResult> {
    const uid = await localNodeUid(this.d.re, this.d.config.podIp);
    if (uid === undefined) return { outcome: 'none', message: 'not in a cluster' };
    if (!(await this.d.re.nodeStatus(uid)).maintenance_snapshot) return { outcome: 'none', message: `node ${uid} is not in maintenance mode` };
    if (isPending(await nodeActionStatus(this.d.re, uid, 'maintenance_on'))) {
      // Someone is draining the node right now (by hand): not ours to undo.
      return { outcome: 'none', message: `node ${uid}: a maintenance_on is running; left alone` };
    }
    if (this.drainRequested) return { outcome: 'none', message: 'a preStop drain started' };
    if (!isPending(await nodeActionStatus(this.d.re, uid, 'maintenance_off'))) await this.start(uid, 'maintenance_off');
    this.d.log.info('node is in maintenance mode after a restart: turning it off', { node: uid });
    const out = await followNodeAction(this.d.re, uid, 'maintenance_off', deadline, this.d.intervalMs, this.abort.signal);
    if (out.result === 'completed' || out.result === 'gone') {
      return { outcome: 'left', message: `node ${uid} left maintenance mode after the pod restarted; its shards and endpoints are restored` };
    }
    if (out.result === 'failed') return { outcome: 'failed', message: `node ${uid}: ${out.detail}` };
    return { outcome: 'timeout', message: `node ${uid}: maintenance_off not finished within ${Math.round(this.d.config.prestopTimeoutMs / 1000)} s` };
  }

  // ---- shared ------------------------------------------------------------------

  /** Starts an action; a 409 means one of that kind already runs, which the caller then follows. */
  private async start(uid: number, action: NodeActionName): Promise<void> {
    try {
      await this.d.re.startNodeAction(uid, action, {});
    } catch (e) {
      if (!(e instanceof ReApiError && e.status === 409)) throw e;
    }
  }

  /**
   * Runs `steps` again after a transient REST failure (no answer, 5xx) until
   * the deadline; another failure ends it with `fail(message)`.
   */
  private async retrying<T extends { outcome: string }>(deadline: number, steps: () => Promise<T>, fail: (message: string) => T): Promise<T> {
    for (;;) {
      try {
        return await steps();
      } catch (e) {
        const transient = e instanceof ReApiError && e.transient;
        if (!transient || Date.now() >= deadline || this.abort.signal.aborted) {
          return transient ? { ...fail(errorMessage(e)), outcome: 'timeout' } as T : fail(errorMessage(e));
        }
        this.d.log.debug('node maintenance step failed; retrying', { error: errorMessage(e) });
        await sleep(Math.min(this.d.intervalMs * 4, Math.max(0, deadline - Date.now())), this.abort.signal);
      }
    }
  }
}
