/**
 * The reconcile loop. Triggers (watch events, resync timer, leadership
 * change) only mark the state dirty; one pass runs at a time and a pass
 * requested while one runs is run once afterwards, so a burst of events
 * costs one extra pass, not one per event. A failed pass is retried after
 * an exponential backoff with jitter; a successful one resets it.
 */
import { DesiredState, DesiredStateError, parseDesiredState, DESIRED_STATE_KEY } from '../../contract/desired-state';
import { clusterObjectNames } from '../../contract/names';
import { Backoff, BackoffOptions } from './backoff';
import { runClusterDuty } from '../duties/cluster-duty';
import { DutyContext } from './context';
import { InvolvedObject } from '../io/events';
import { isConflict } from '../io/kube-api';
import { ConfigMap } from '../io/kube-types';
import { nodePodSelector } from '../../contract/labels';
import { errorMessage } from './logger';
import { M } from './metrics';
import { runNodeDuty } from '../duties/node-duty';
import { NodeMaintenance } from '../duties/node-maintenance';
import { ensureSecrets, readAdminCredentials, AdminCredentials } from '../duties/secret-duty';
import { StatusDocument, STATUS_SCHEMA_VERSION, parseStatus, renderStatus, statusConfigMapUpdate } from '../plan/status';

/** Not a failure: something this pod waits for (the cluster to be created, a bootstrap to finish). */
export class WaitingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitingError';
  }
}

/** While waiting (not failing), look again at least this often. */
export const WAIT_POLL_MS = 2000;
/** A watch event during a backoff brings the retry forward to at most this delay. */
export const EVENT_RETRY_MS = 1000;

export interface ControllerState {
  /** Desired state read and understood at least once. */
  desiredStateLoaded: boolean;
  /** This pod's node is in the cluster. */
  nodeBootstrapped: boolean;
  /** Monotonic-ish start of the pass in progress (ms), undefined when idle. */
  passStartedAt?: number;
  passes: number;
  lastError?: string;
}

export interface ControllerOptions {
  isLeader: () => boolean;
  /** Shared with the REST client, which authenticates with whatever is here. */
  credentials: { current?: AdminCredentials };
  /** Takes the node out of maintenance mode left from the last stop (once per process). */
  maintenance?: NodeMaintenance;
  backoff?: BackoffOptions;
  debounceMs?: number;
}

export class Controller {
  readonly state: ControllerState = { desiredStateLoaded: false, nodeBootstrapped: false, passes: 0 };
  private dirty = false;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly backoff: Backoff;
  private idleWaiters: Array<() => void> = [];
  /** When the pending backoff retry fires (epoch ms), if one is pending. */
  private retryAt?: number;

  constructor(private readonly ctx: DutyContext, private readonly options: ControllerOptions) {
    this.backoff = new Backoff(options.backoff ?? { baseMs: 500, capMs: 60_000 });
    ctx.metrics.declare(M.reconciles, 'counter', 'Reconcile passes, by result');
  }

  start(): void {
    this.resyncTimer = setInterval(() => this.trigger('resync'), this.ctx.config.resyncSeconds * 1000);
    this.trigger('start');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.running;
  }

  trigger(reason: string): void {
    if (this.stopped) return;
    this.ctx.log.debug('reconcile requested', { reason });
    this.dirty = true;
    if (this.timer && this.retryAt !== undefined && reason !== 'retry' && this.retryAt - Date.now() > EVENT_RETRY_MS) {
      // Something changed while backing off: it may be what the failed pass
      // needed (a Secret, a pod). Retry soon, but never more than once a
      // second, and keep the backoff count so a lasting failure still slows down.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.scheduleRetry(EVENT_RETRY_MS);
      return;
    }
    if (!this.running && !this.timer) this.schedule(this.options.debounceMs ?? 20);
  }

  private scheduleRetry(delay: number): void {
    this.retryAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retryAt = undefined;
      this.trigger('retry');
    }, delay);
  }

  /** Resolves when no pass runs or is pending (tests and benchmarks). */
  idle(): Promise<void> {
    if (!this.running && !this.timer && !this.dirty) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (!this.timer && !this.dirty) for (const w of this.idleWaiters.splice(0)) w();
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const started = Date.now();
      this.state.passStartedAt = started;
      try {
        await this.reconcileOnce();
        this.state.lastError = undefined;
        this.backoff.reset();
        this.ctx.metrics.inc(M.reconciles, { result: 'success' });
      } catch (e) {
        this.state.lastError = errorMessage(e);
        const waiting = e instanceof WaitingError;
        this.ctx.metrics.inc(M.reconciles, { result: waiting ? 'waiting' : 'error' });
        const delay = waiting ? Math.min(this.backoff.next(), WAIT_POLL_MS) : this.backoff.next();
        if (waiting) this.ctx.log.info('waiting', { reason: errorMessage(e), delayMs: delay });
        else this.ctx.log.warn('reconcile failed; retrying', { error: errorMessage(e), delayMs: delay, failures: this.backoff.failures });
        this.state.passStartedAt = undefined;
        this.state.passes++;
        if (!this.stopped) {
          this.dirty = false;
          this.scheduleRetry(delay);
        }
        return;
      } finally {
        this.ctx.metrics.set(M.reconcileSeconds, (Date.now() - started) / 1000, {}, 'Duration of the last reconcile pass');
      }
      this.state.passStartedAt = undefined;
      this.state.passes++;
    }
  }

  private async readDesiredState(): Promise<{ cm: ConfigMap; state?: DesiredState; invalid?: string }> {
    const cm = await this.ctx.kube.getConfigMap(this.ctx.config.desiredStateConfigMap);
    if (!cm) throw new Error(`desired-state ConfigMap ${this.ctx.config.desiredStateConfigMap} does not exist`);
    const raw = cm.data?.[DESIRED_STATE_KEY];
    if (raw === undefined) return { cm, invalid: `ConfigMap ${cm.metadata.name} has no key ${DESIRED_STATE_KEY}` };
    try {
      return { cm, state: parseDesiredState(raw) };
    } catch (e) {
      if (e instanceof DesiredStateError) return { cm, invalid: e.message };
      throw e;
    }
  }

  async reconcileOnce(): Promise<void> {
    const { ctx } = this;
    const { cm, state, invalid } = await this.readDesiredState();
    const subject: InvolvedObject = { kind: 'ConfigMap', name: cm.metadata.name, uid: cm.metadata.uid, apiVersion: 'v1' };
    const statusName = state?.cluster.statusConfigMapName ?? clusterObjectNames(ctx.config.clusterName, ctx.config.namespace).statusConfigMap;
    if (!state) {
      // Nothing can be done until the document changes (its watch event triggers the next pass).
      await ctx.events.record(subject, 'Warning', 'DesiredStateInvalid', invalid!);
      if (this.options.isLeader()) {
        const live = await ctx.kube.getConfigMap(statusName);
        const prev = parseStatus(live);
        await this.writeStatus(statusName, live, {
          ...(prev ?? { schemaVersion: STATUS_SCHEMA_VERSION, clusterState: 'Unknown', nodes: [], databases: [], activeActiveDatabases: [] }),
          desiredState: { valid: false, message: invalid },
          lastError: invalid,
        });
      }
      return;
    }
    this.state.desiredStateLoaded = true;
    const leader = this.options.isLeader();
    // The leader creates the admin Secret first: every node needs it to bootstrap.
    if (leader) await ensureSecrets(ctx, state);
    this.options.credentials.current = await readAdminCredentials(ctx, state);

    const pods = (await ctx.kube.listPods(nodePodSelector(ctx.config.clusterName))).items;
    const statusCm = await ctx.kube.getConfigMap(statusName);
    const previous = parseStatus(statusCm);
    const knownAddrs = previous && previous.nodes.length > 0 ? previous.nodes.map((n) => n.addr).filter(Boolean) : [];
    let nodeError: string | undefined;
    let nodeWaiting = false;
    try {
      const node = await runNodeDuty(ctx, state, pods, knownAddrs, this.options.credentials.current);
      this.state.nodeBootstrapped = node.bootstrapped;
      if (node.bootstrapped) this.options.maintenance?.leaveAfterRestart(pods);
      if (!node.bootstrapped) {
        nodeWaiting = true;
        nodeError = 'reason' in node.decision ? node.decision.reason : `node not in the cluster yet (${node.decision.action})`;
      }
    } catch (e) {
      nodeError = `node ${ctx.config.podName}: ${errorMessage(e)}`;
      await ctx.events.record({ kind: 'Pod', name: ctx.config.podName }, 'Warning', 'BootstrapFailed', nodeError);
    }
    // Not in the cluster yet is retried with backoff: no watch reports REST-side progress.
    if (!this.options.isLeader()) {
      if (nodeError) throw nodeWaiting ? new WaitingError(nodeError) : new Error(nodeError);
      return;
    }
    const obs = await runClusterDuty(ctx, state, pods, subject, previous?.clusterSettings);
    const doc: StatusDocument = {
      schemaVersion: STATUS_SCHEMA_VERSION,
      clusterState: obs.errors.length > 0 && obs.clusterState === 'Unreachable' ? 'Error' : obs.clusterState,
      desiredState: { valid: true },
      nodes: obs.nodes,
      masterPod: obs.masterPod,
      databases: obs.databases,
      activeActiveDatabases: obs.activeActiveDatabases,
      ...(obs.clusterSettings ? { clusterSettings: obs.clusterSettings } : {}),
      lastError: nodeError ?? obs.errors[0],
    };
    // An unreachable REST API must not erase what the last good pass learned.
    if (obs.clusterState === 'Unreachable' && previous) {
      doc.nodes = previous.nodes;
      doc.databases = previous.databases;
      doc.activeActiveDatabases = previous.activeActiveDatabases;
      doc.masterPod = previous.masterPod;
      if (previous.clusterSettings) doc.clusterSettings = previous.clusterSettings;
    }
    await this.writeStatus(statusName, statusCm, doc, cm);
    // A leader whose own node is still joining cannot reach the cluster API yet: that is waiting too.
    const onlyWaiting = nodeWaiting && obs.clusterState === 'Unreachable';
    if (obs.errors.length > 0 && !onlyWaiting) throw new Error((nodeError ? [nodeError, ...obs.errors] : obs.errors).join('; '));
    if (nodeError) throw nodeWaiting ? new WaitingError(nodeError) : new Error(nodeError);
  }

  private async writeStatus(name: string, live: ConfigMap | undefined, doc: StatusDocument, owner?: ConfigMap): Promise<void> {
    const { ctx } = this;
    const cm = statusConfigMapUpdate(live, name, ctx.config.namespace, ctx.config.clusterName, renderStatus(doc));
    if (!cm) return;
    if (!live && owner?.metadata.uid) {
      // Owned by the desired-state ConfigMap: removing the cluster removes its status too.
      cm.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid }];
    }
    try {
      if (live) await ctx.kube.replaceConfigMap(cm);
      else await ctx.kube.createConfigMap(cm);
    } catch (e) {
      // Written by someone else meanwhile (e.g. a former leader): the next pass rewrites it.
      if (!isConflict(e)) throw e;
      this.dirty = true;
    }
  }
}
