/**
 * The work queue in front of the reconcile function (controller-runtime's
 * shape, for one key: "the cluster"). Triggers (watch events, the resync
 * timer, a leadership change) only mark it dirty; one pass runs at a time and
 * a pass requested while one runs is run once afterwards, so a burst of events
 * costs one extra pass, not one per event.
 *
 * The reconcile function reports how the pass ended: a `ReconcileResult`
 * when it did what it could (possibly waiting for something), an exception
 * when it failed. A failure is retried after an exponential backoff with full
 * jitter; a plain success resets it.
 */
import { Backoff, BackoffOptions } from './backoff';
import { Logger, errorMessage } from './logger';
import { M, Metrics } from './metrics';

export interface ReconcileResult {
  /**
   * The pass waits for something no watch reports (REST-side progress such
   * as a node joining): look again at the latest after this many ms. Waits in
   * a row start fast and slow down to this bound, through the same backoff as
   * failures, so a node that joins in 100 ms is seen promptly and a long wait
   * costs one pass per bound. Counted as result "waiting", not as a failure.
   */
  requeueAfterMs?: number;
  /** What the pass waits for (logged, kept as `lastError`). */
  waitingFor?: string;
  /** Something changed under the pass (a write conflict): run again right after it. */
  requeue?: boolean;
}

export type ReconcileFunction = () => Promise<ReconcileResult>;

export interface WorkQueueState {
  /** Start of the pass in progress (epoch ms), undefined when idle: /healthz reports a wedged pass. */
  passStartedAt?: number;
  /** Passes ended, whatever their result. */
  passes: number;
  /** Why the last pass failed or waited; undefined after a success. */
  lastError?: string;
}

export interface WorkQueueOptions {
  log: Logger;
  metrics: Metrics;
  backoff?: BackoffOptions;
  /** Triggers within this window after the first one share a pass. */
  debounceMs?: number;
  /** A trigger during a longer backoff brings the retry forward to this delay. */
  eventRetryMs?: number;
  /** A full pass at least this often, whatever the watches report; unset: none. */
  resyncMs?: number;
}

/** Defaults of the sidecar; tests pass their own. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 60_000 };
export const DEFAULT_DEBOUNCE_MS = 20;
export const EVENT_RETRY_MS = 1000;

export class WorkQueue {
  readonly state: WorkQueueState = { passes: 0 };
  private dirty = false;
  private running?: Promise<void>;
  /** The debounce or retry timer, whichever is pending. */
  private timer?: NodeJS.Timeout;
  /** When the pending retry fires (epoch ms), if the timer is a retry. */
  private retryAt?: number;
  private resyncTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly backoff: Backoff;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly reconcile: ReconcileFunction, private readonly options: WorkQueueOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    options.metrics.declare(M.reconciles, 'counter', 'Reconcile passes, by result');
  }

  /** Runs a first pass, then one per trigger (coalesced) and per resync. */
  start(): void {
    if (this.options.resyncMs) this.resyncTimer = setInterval(() => this.trigger('resync'), this.options.resyncMs);
    this.trigger('start');
  }

  /** No pass starts after this; resolves once the running one ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.running;
    this.releaseIdleWaiters();
  }

  trigger(reason: string): void {
    if (this.stopped) return;
    this.options.log.debug('reconcile requested', { reason });
    this.dirty = true;
    if (this.running) return; // run once after the current pass
    if (this.retryAt !== undefined) {
      // Something changed while backing off: it may be what the last pass
      // needed (a Secret, a pod). Retry soon, but not more than once per
      // eventRetryMs, and keep the backoff count so a lasting failure still slows down.
      const soon = this.options.eventRetryMs ?? EVENT_RETRY_MS;
      if (this.retryAt - Date.now() > soon) this.scheduleRetry(soon);
      return;
    }
    if (!this.timer) this.schedulePass(this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  /** Resolves when no pass runs or is pending (tests and benchmarks). */
  idle(): Promise<void> {
    if (this.stopped || (!this.running && !this.timer && !this.dirty)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private schedulePass(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retryAt = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.timer && !this.dirty) this.releaseIdleWaiters();
      });
    }, delayMs);
  }

  private scheduleRetry(delayMs: number): void {
    this.schedulePass(delayMs);
    this.retryAt = Date.now() + delayMs;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.retryAt = undefined;
  }

  private releaseIdleWaiters(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Passes while dirty; a wait or a failure ends the series with a scheduled retry. */
  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const retryInMs = await this.runPass();
      if (retryInMs === undefined) continue;
      if (this.stopped) return;
      // A trigger during the failed pass may be its cure: do not sit out a long backoff.
      const delay = this.dirty ? Math.min(retryInMs, this.options.eventRetryMs ?? EVENT_RETRY_MS) : retryInMs;
      this.dirty = true;
      this.scheduleRetry(delay);
      return;
    }
  }

  /** One pass; returns the retry delay after a wait or a failure, undefined after a success. */
  private async runPass(): Promise<number | undefined> {
    const { log, metrics } = this.options;
    const started = Date.now();
    this.state.passStartedAt = started;
    let result: ReconcileResult | undefined;
    let failure: unknown;
    try {
      result = await this.reconcile();
    } catch (e) {
      failure = e;
    }
    metrics.set(M.reconcileSeconds, (Date.now() - started) / 1000, {}, 'Duration of the last reconcile pass');
    this.state.passStartedAt = undefined;
    this.state.passes++;

    if (!result) {
      this.state.lastError = errorMessage(failure);
      metrics.inc(M.reconciles, { result: 'error' });
      const delay = this.backoff.next();
      log.warn('reconcile failed; retrying', { error: this.state.lastError, delayMs: delay, failures: this.backoff.failures });
      return delay;
    }
    if (result.requeueAfterMs !== undefined) {
      this.state.lastError = result.waitingFor;
      metrics.inc(M.reconciles, { result: 'waiting' });
      const delay = Math.min(this.backoff.next(), result.requeueAfterMs);
      log.info('waiting', { reason: result.waitingFor, delayMs: delay });
      return delay;
    }
    this.state.lastError = undefined;
    this.backoff.reset();
    metrics.inc(M.reconciles, { result: 'success' });
    if (result.requeue) this.dirty = true;
    return undefined;
  }
}
