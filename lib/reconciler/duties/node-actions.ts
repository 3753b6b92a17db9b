/**
 * This pod's Redis Enterprise node and its node actions (documented
 * `POST/GET /v1/nodes/{uid}/actions/{action}`): find the node's uid and
 * follow an action to its end, within a deadline.
 */
import { sleep } from '../runtime/backoff';
import { ReApi, ReApiError } from '../io/re-api';
import { NodeActionName, NodeActionStatus } from '../io/re-types';

/** Documented action statuses that are not final. */
const PENDING = new Set(['queued', 'starting', 'running', 'cancelling']);

export function isPending(a: NodeActionStatus | undefined): boolean {
  return a !== undefined && PENDING.has(String(a.status));
}

/**
 * The uid of this pod's node: `local_node_info.uid` of GET /v1/bootstrap,
 * else the node listed with this pod's address. Undefined while the node is
 * not in a cluster.
 */
export async function localNodeUid(re: ReApi, podIp: string): Promise<number | undefined> {
  const boot = await re.getBootstrap();
  if (boot.bootstrap_status?.state !== 'completed') return undefined;
  const uid = Number(boot.local_node_info?.uid);
  if (Number.isInteger(uid) && uid > 0) return uid;
  return (await re.listNodes()).find((n) => n.addr === podIp)?.uid;
}

/** The action's last status, or undefined when there is none (documented 404). */
export async function nodeActionStatus(re: ReApi, uid: number, action: NodeActionName): Promise<NodeActionStatus | undefined> {
  try {
    return await re.getNodeAction(uid, action);
  } catch (e) {
    if (e instanceof ReApiError && e.status === 404) return undefined;
    throw e;
  }
}

export type FollowOutcome =
  | { result: 'completed' }
  | { result: 'failed'; detail: string }
  | { result: 'timeout' }
  /** No status any more (someone removed it): the caller looks at the node instead. */
  | { result: 'gone' };

/**
 * Polls the action until it is completed, failed or cancelled, or the
 * deadline passes. Transient REST failures are polled through: the node's
 * API may hiccup while shards move.
 */
export async function followNodeAction(
  re: ReApi, uid: number, action: NodeActionName, deadline: number, intervalMs: number, signal?: AbortSignal,
): Promise<FollowOutcome> {
  for (;;) {
    try {
      const a = await nodeActionStatus(re, uid, action);
      if (!a) return { result: 'gone' };
      if (a.status === 'completed') return { result: 'completed' };
      // `aborted` is undocumented but final: waiting on it could only time out.
      if (a.status === 'failed' || a.status === 'cancelled' || a.status === 'aborted') {
        const why = [a.error_code, a.error_message].filter(Boolean).join(': ');
        return { result: 'failed', detail: `${action} ${a.status}${why ? ` (${why})` : ''}` };
      }
    } catch (e) {
      if (!(e instanceof ReApiError) || !e.transient) throw e;
    }
    if (Date.now() >= deadline || signal?.aborted) return { result: 'timeout' };
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
  }
}
