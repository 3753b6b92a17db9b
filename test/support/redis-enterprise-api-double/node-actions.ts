/**
 * Node actions (documented `POST/GET/DELETE /v1/nodes/{uid}/actions/{action}`
 * and the action object: `status` queued|starting|running|cancelling|
 * cancelled|completed|failed, `progress` 0-100, `error_code`/`error_message`
 * when failed). The maintenance mode page documents the POST answer
 * `{"status": "queued", "task_id": "<guid>"}` and that GET of the action
 * reports the same `task_id`.
 *
 * One record per node and action name: documented, "the previously executed
 * instance of the same action ... will be removed as soon as the new one is
 * submitted". A second request while one is queued or running is a 409; the
 * double refuses any second action on the same node while one runs (the docs
 * say "of any action type"), so maintenance_on and maintenance_off never
 * overlap on one node.
 *
 * Like BDB actions, a node action lasts `durationMs` of clock time (queued for
 * the first third, then running) and its effect is applied once when it ends;
 * an effect that throws {@link NodeActionFailure} makes it `failed`.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, notFound } from './errors';

export type NodeActionName = 'maintenance_on' | 'maintenance_off' | 'remove';

/** The action object's `name`: the docs' example lists a remove as `remove_node`. */
const REPORTED_NAME: Record<NodeActionName, string> = { maintenance_on: 'maintenance_on', maintenance_off: 'maintenance_off', remove: 'remove_node' };
type Status = 'queued' | 'running' | 'cancelled' | 'completed' | 'failed';

/** Thrown by an effect: the action ends `failed` with the documented error fields. */
export class NodeActionFailure extends Error {
  /** Documented action error codes: internal_error, insufficient_resources. */
  constructor(readonly errorCode: 'internal_error' | 'insufficient_resources', message: string) {
    super(message);
    this.name = 'NodeActionFailure';
  }
}

export interface NodeActionInit {
  readonly nodeUid: number;
  readonly name: NodeActionName;
  readonly durationMs: number;
  /** Applied once when the action ends; may throw NodeActionFailure. */
  readonly effect: () => void;
}

interface NodeActionRecord {
  readonly taskId: string;
  readonly init: NodeActionInit;
  readonly startedAt: number;
  status: Status;
  progress: number;
  failure?: { errorCode: string; message: string };
  settled: boolean;
}

export class NodeActionTracker {
  private readonly records = new Map<string, NodeActionRecord>();
  private failures: Array<{ name?: NodeActionName; left: number }> = [];

  start(init: NodeActionInit, now: number): Record<string, unknown> {
    for (const rec of this.records.values()) {
      if (rec.init.nodeUid === init.nodeUid && !rec.settled) {
        throw new ApiError(409, 'conflict', `action ${rec.init.name} is still ${rec.status} on node ${init.nodeUid}`);
      }
    }
    const rec: NodeActionRecord = { taskId: randomUUID(), init, startedAt: now, status: 'queued', progress: 0, settled: false };
    if (this.takeFailure(init.name)) rec.failure = { errorCode: 'internal_error', message: 'injected node action failure (test double)' };
    this.records.set(key(init.nodeUid, init.name), rec);
    return { status: rec.status, task_id: rec.taskId };
  }

  /** Test hook: the next `count` node actions (named `name`, or any) fail when they end, without effect. */
  failNext(count: number, name?: NodeActionName): void {
    this.failures.push({ name, left: count });
  }

  tick(now: number): void {
    for (const rec of this.records.values()) {
      if (rec.settled) continue;
      const elapsed = now - rec.startedAt;
      const d = rec.init.durationMs;
      if (elapsed < d) {
        if (elapsed >= d / 3) {
          rec.status = 'running';
          rec.progress = Math.floor((elapsed / d) * 100);
        }
        continue;
      }
      rec.settled = true;
      rec.progress = 100;
      if (rec.failure) {
        rec.status = 'failed';
        continue;
      }
      try {
        rec.init.effect();
        rec.status = 'completed';
      } catch (e) {
        if (!(e instanceof NodeActionFailure)) throw e;
        rec.status = 'failed';
        rec.failure = { errorCode: e.errorCode, message: e.message };
      }
    }
  }

  /** Test hook: end every pending node action now. */
  settleAll(now: number): void {
    for (const rec of this.records.values()) {
      if (!rec.settled) (rec as { startedAt: number }).startedAt = now - rec.init.durationMs;
    }
    this.tick(now);
  }

  isPending(nodeUid: number): boolean {
    return [...this.records.values()].some((r) => r.init.nodeUid === nodeUid && !r.settled);
  }

  json(nodeUid: number, name: string): Record<string, unknown> {
    const rec = this.records.get(key(nodeUid, name));
    if (!rec) throw notFound(`action ${name} on node ${nodeUid}`);
    return toJson(rec);
  }

  list(nodeUid?: number): Array<Record<string, unknown>> {
    return [...this.records.values()].filter((r) => nodeUid === undefined || r.init.nodeUid === nodeUid).map(toJson);
  }

  /** Documented DELETE: cancels a queued or running action, or removes the status of a finished one. */
  cancel(nodeUid: number, name: string): void {
    const k = key(nodeUid, name);
    const rec = this.records.get(k);
    if (!rec) throw notFound(`action ${name} on node ${nodeUid}`);
    if (rec.settled) {
      this.records.delete(k);
      return;
    }
    // Cancelled before its effect: the node is left as it was.
    rec.settled = true;
    rec.status = 'cancelled';
  }

  private takeFailure(name: NodeActionName): boolean {
    const f = this.failures.find((x) => x.left > 0 && (!x.name || x.name === name));
    if (!f) return false;
    f.left--;
    this.failures = this.failures.filter((x) => x.left > 0);
    return true;
  }
}

function key(nodeUid: number, name: string): string {
  return `${nodeUid}/${name}`;
}

function toJson(rec: NodeActionRecord): Record<string, unknown> {
  return {
    name: REPORTED_NAME[rec.init.name],
    node_uid: String(rec.init.nodeUid),
    status: rec.status,
    progress: rec.progress,
    task_id: rec.taskId,
    ...(rec.status === 'failed' && rec.failure ? { error_code: rec.failure.errorCode, error_message: rec.failure.message } : {}),
  };
}
