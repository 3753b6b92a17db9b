/**
 * Removing a Redis Enterprise node from its cluster: the documented
 * `POST /v1/nodes/{uid}/actions/remove` ("Removes the node from the cluster
 * after migrating all bound resources to other nodes"; the cluster creates
 * replacement shards and endpoints elsewhere, fails over, and only then
 * removes the node) and its status at `GET /v1/nodes/{uid}/actions/remove`.
 * Used by a leaving pod's preStop (scale-in) and by the leader's membership
 * duty (nodes no pod holds any more, stale nodes of replaced pods).
 */
import { sleep } from '../runtime/backoff';
import { ReApi, ReApiError } from '../io/re-api';
import { NodeActionStatus } from '../io/re-types';
import { isPending, nodeActionStatus } from './node-actions';

/** Starts the removal; a 409 means an action already runs on the node, which the caller then follows. */
export async function startRemoval(re: ReApi, uid: number): Promise<void> {
  try {
    await re.startNodeAction(uid, 'remove', {});
  } catch (e) {
    if (!(e instanceof ReApiError && e.status === 409)) throw e;
  }
}

export type RemovalProgress =
  | { state: 'removed' }
  | { state: 'running'; progress?: number | string }
  | { state: 'failed'; detail: string }
  /** No removal started (or its status is gone) and the node is still a member. */
  | { state: 'none' };

/** Documented final statuses other than completed (`aborted` is undocumented but final). */
export const UNSUCCESSFUL: ReadonlySet<string> = new Set(['failed', 'cancelled', 'aborted']);

/** A remove action in `GET /v1/nodes/actions` (the docs' example names it `remove_node`). */
export function isRemove(a: NodeActionStatus): boolean {
  return a.name === 'remove' || a.name === 'remove_node';
}

export function describeRemovalFailure(a: NodeActionStatus): string {
  const why = [a.error_code, a.error_message].filter(Boolean).join(': ');
  return `remove ${a.status}${why ? ` (${why})` : ''}`;
}

/**
 * Where the removal of `uid` stands, as the cluster reports it: `stillMember`
 * says whether the node is listed (GET /v1/nodes); once it is not, the
 * removal is done whatever the action status says.
 */
export async function removalProgress(re: ReApi, uid: number, stillMember: boolean): Promise<RemovalProgress> {
  if (!stillMember) return { state: 'removed' };
  const a = await nodeActionStatus(re, uid, 'remove');
  if (!a) return { state: 'none' };
  if (isPending(a)) return { state: 'running', progress: a.progress };
  if (UNSUCCESSFUL.has(String(a.status))) return { state: 'failed', detail: describeRemovalFailure(a) };
  // Completed but still listed: the list catches up on the next look.
  return { state: 'running', progress: a.progress };
}

export type FollowRemovalOutcome = { result: 'removed' } | { result: 'failed'; detail: string } | { result: 'timeout' };

/**
 * Follows the removal of this pod's own node through its own REST API until
 * the node is no longer a member, the action failed, or the deadline. A
 * removed node no longer answers for the cluster (it must be reinstalled to
 * join again), so its own bootstrap status, no longer `completed` with that
 * uid, is how it learns it was removed. Transient failures are polled through.
 */
export async function followOwnRemoval(
  re: ReApi, uid: number, ownUid: () => Promise<number | undefined>, deadline: number, intervalMs: number, signal?: AbortSignal,
): Promise<FollowRemovalOutcome> {
  for (;;) {
    try {
      const member = (await ownUid()) === uid;
      const p = await removalProgress(re, uid, member);
      if (p.state === 'removed') return { result: 'removed' };
      if (p.state === 'failed') return { result: 'failed', detail: p.detail };
      if (p.state === 'none') return { result: 'failed', detail: 'the remove action disappeared before it completed' };
    } catch (e) {
      if (!(e instanceof ReApiError) || !e.transient) throw e;
    }
    if (Date.now() >= deadline || signal?.aborted) return { result: 'timeout' };
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
  }
}
