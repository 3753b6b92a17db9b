/**
 * Asynchronous actions (documented action object: `action_uid`, `name`,
 * `status` queued|starting|running|cancelling|cancelled|completed|failed,
 * `progress` 0-100, and `error_code`/`error_message` when failed).
 *
 * An action lasts `durationMs` of clock time: queued for the first third,
 * running (progress rising) until the end, then completed, at which point its
 * effect is applied exactly once. A test can make the next actions fail.
 *
 * Progress is sent as a number, as the action object page specifies; note that
 * the v1 actions page shows it (and node_uid) as strings in one example, so a
 * robust client accepts both.
 */
import { randomUUID } from 'node:crypto';

export type ActionStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ActionInit {
  /** State-machine name, e.g. SMCreateBDB. */
  readonly name: string;
  /** Object the action works on, e.g. `bdb:1`. */
  readonly objectName: string;
  readonly nodeUid: number;
  readonly durationMs: number;
  /** Applied once when the action completes. */
  readonly onComplete: () => void;
  /** Applied once when the action fails (injected failure). */
  readonly onFail: () => void;
}

interface ActionRecord {
  readonly uid: string;
  readonly init: ActionInit;
  startedAt: number;
  status: ActionStatus;
  progress: number;
  failure?: { errorCode: string; message: string };
  settled: boolean;
}

export interface ActionFailureSpec {
  /** Only actions with this name (e.g. SMUpdateBDB); any when absent. */
  readonly name?: string;
  /** Documented codes: internal_error (default), insufficient_resources. */
  readonly errorCode?: string;
  readonly message?: string;
}

export class ActionTracker {
  private readonly records = new Map<string, ActionRecord>();
  private failures: Array<ActionFailureSpec & { left: number }> = [];

  start(init: ActionInit, now: number): string {
    const uid = randomUUID();
    const rec: ActionRecord = { uid, init, startedAt: now, status: 'queued', progress: 0, settled: false };
    const failure = this.takeFailure(init.name);
    if (failure) rec.failure = failure;
    this.records.set(uid, rec);
    return uid;
  }

  /** Make the next `count` actions (optionally only those named `spec.name`) fail when they end. */
  failNext(count: number, spec: ActionFailureSpec = {}): void {
    this.failures.push({ ...spec, left: count });
  }

  /** Advance every unsettled action to `now`, applying effects of the ones that ended. */
  tick(now: number): void {
    for (const rec of this.records.values()) {
      if (rec.settled) continue;
      const elapsed = now - rec.startedAt;
      const d = rec.init.durationMs;
      if (elapsed >= d) {
        rec.settled = true;
        rec.progress = 100;
        if (rec.failure) {
          rec.status = 'failed';
          rec.init.onFail();
        } else {
          rec.status = 'completed';
          rec.init.onComplete();
        }
      } else if (elapsed >= d / 3) {
        rec.status = 'running';
        rec.progress = Math.floor((elapsed / d) * 100);
      }
    }
  }

  /** Finish every pending action now (for tests that do not want to wait). */
  settleAll(now: number): void {
    for (const rec of this.records.values()) {
      if (!rec.settled) rec.startedAt = now - rec.init.durationMs;
    }
    this.tick(now);
  }

  has(uid: string): boolean {
    return this.records.has(uid);
  }

  isPending(uid: string | undefined): boolean {
    const rec = uid ? this.records.get(uid) : undefined;
    return rec !== undefined && !rec.settled;
  }

  json(uid: string): Record<string, unknown> | undefined {
    const rec = this.records.get(uid);
    return rec ? toJson(rec) : undefined;
  }

  all(): Array<Record<string, unknown>> {
    return [...this.records.values()].map(toJson);
  }

  private takeFailure(name: string): { errorCode: string; message: string } | undefined {
    const f = this.failures.find((x) => x.left > 0 && (!x.name || x.name === name));
    if (!f) return undefined;
    f.left--;
    this.failures = this.failures.filter((x) => x.left > 0);
    return { errorCode: f.errorCode ?? 'internal_error', message: f.message ?? 'injected action failure (test double)' };
  }
}

function toJson(rec: ActionRecord): Record<string, unknown> {
  return {
    action_uid: rec.uid,
    name: rec.init.name,
    object_name: rec.init.objectName,
    node_uid: String(rec.init.nodeUid),
    status: rec.status,
    // A real answer has progress as a string ("100") and a heartbeat in epoch seconds.
    progress: String(rec.progress),
    heartbeat: Math.floor(rec.startedAt / 1000),
    ...(rec.status === 'failed' && rec.failure
      // `error` is the state machine's documented failure text; error_code/error_message the action's.
      ? { error: rec.failure.message, error_code: rec.failure.errorCode, error_message: rec.failure.message }
      : {}),
  };
}
