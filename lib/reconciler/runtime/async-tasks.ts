/**
 * Following Redis Enterprise's asynchronous work to its end: BDB changes
 * return an `action_uid` (polled at `/v1/actions/{uid}`), CRDB changes a task
 * (polled at `/v1/crdb_tasks/{id}`). Polling is bounded in time; a transient
 * REST failure while polling is tolerated and polled again.
 */
import { sleep } from './backoff';
import { ReApi, ReApiError } from '../io/re-api';

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

export const DEFAULT_POLL: PollOptions = { timeoutMs: 300_000, intervalMs: 500 };

/**
 * Terminal statuses. Documented: actions queued → starting → running →
 * completed | failed | cancelling → cancelled (objects/action); state machines
 * pending → active → completed | failed, the text in `error`
 * (objects/state-machine). `aborted` is not documented but ends an action too:
 * waiting on it could only time out.
 */
const ACTION_DONE = new Set(['completed']);
const ACTION_FAILED = new Set(['failed', 'cancelled', 'aborted']);

export class AsyncTaskError extends Error {
  /** `timedOut`: the work may still be running (only the wait ended); otherwise it failed or was stopped. */
  constructor(message: string, readonly timedOut = false) {
    super(message);
    this.name = 'AsyncTaskError';
  }
}

async function poll(what: string, step: () => Promise<boolean>, options: PollOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new AsyncTaskError(`${what}: stopped (shutting down)`);
    try {
      if (await step()) return;
    } catch (e) {
      if (!(e instanceof ReApiError) || !e.transient) throw e;
    }
    if (Date.now() >= deadline) throw new AsyncTaskError(`${what}: not finished within ${options.timeoutMs} ms`, true);
    await sleep(options.intervalMs, options.signal);
  }
}

export async function waitForAction(api: ReApi, actionUid: string, options: PollOptions = DEFAULT_POLL): Promise<void> {
  await poll(`action ${actionUid}`, async () => {
    try {
      const a = await api.getAction(actionUid);
      const status = String(a.status ?? '');
      const why = a.error ?? a.error_message ?? a.error_code;
      if (ACTION_FAILED.has(status)) throw new AsyncTaskError(`action ${actionUid} (${a.name ?? 'unnamed'}) ${status}${why ? `: ${why}` : ''}`);
      return ACTION_DONE.has(status);
    } catch (e) {
      // Documented: 404 means the action is no longer running and its status expired.
      if (e instanceof ReApiError && e.status === 404) return true;
      throw e;
    }
  }, options);
}

export async function waitForCrdbTask(api: ReApi, taskId: string, options: PollOptions = DEFAULT_POLL): Promise<string | undefined> {
  let guid: string | undefined;
  await poll(`crdb task ${taskId}`, async () => {
    const t = await api.getCrdbTask(taskId);
    guid = t.crdb_guid ?? guid;
    if (t.status === 'failed') throw new AsyncTaskError(`crdb task ${taskId} failed${t.errors ? `: ${JSON.stringify(t.errors).slice(0, 300)}` : ''}`);
    return t.status === 'finished';
  }, options);
  return guid;
}
