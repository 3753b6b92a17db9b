/**
 * The leader's membership duty: the Redis Enterprise cluster holds exactly
 * the nodes of the pods that should exist.
 *
 * Scale-in is driven by the YAML, not by this duty: the declared `nodes`
 * stays the single source of truth for the StatefulSet's replicas (Argo CD
 * shows no drift; kubectl apply or a sync as usual). The desired-state
 * ConfigMap is applied before the StatefulSet (sync waves), and the
 * StatefulSet controller (OrderedReady) removes one pod at a time, highest
 * ordinal first, waiting for each to be gone. The leaving pod's preStop sees
 * its ordinal >= `nodes` and removes its own node (node-maintenance.ts) before
 * its containers stop. This duty reports that progress (`ScaleIn`) and is the
 * backstop: a node whose pod is gone although no pod should hold it (a preStop
 * that timed out, a pod killed) is removed here, one at a time, only when safe
 * (plan/membership.ts `removalRefusal`), else `ScaleIn` is Blocked with why.
 *
 * Node replacement: a pod that came back with empty storage joined as a new
 * node; its old node is down and listed still. Once the new one is active
 * and the old one's shards have copies elsewhere, the old node is removed
 * (`NodeReplacement`); a database without replication whose shards are only
 * on the old node blocks it (never silently drop data).
 *
 * One removal at a time, cluster-wide: while any node's remove action runs,
 * nothing else is started. A removal is started in one pass and followed in
 * the next ones (the pass asks to be polled), never waited for inside a pass.
 */
import { DesiredState } from '../../contract/desired-state';
import { podOrdinal } from '../runtime/config';
import { DutyContext } from '../runtime/context';
import { Pod } from '../io/kube-types';
import { Bdb, NodeActionStatus, ReNode, ReNodeStatus } from '../io/re-types';
import { OperationKind, OperationLog } from '../plan/operations';
import { Member, PodView, hostnamesOf, leavingPods, members, podViews, removalRefusal, staleNodes, surplusNodes } from '../plan/membership';
import { NodeStatus } from '../plan/status';
import { isPending } from './node-actions';
import { UNSUCCESSFUL, describeRemovalFailure, isRemove, startRemoval } from './node-removal';

export interface MembershipObservation {
  readonly nodes: readonly ReNode[];
  readonly statuses: Readonly<Record<string, ReNodeStatus>>;
  readonly bdbs: readonly Bdb[];
  readonly previousNodes: readonly NodeStatus[];
}

export interface MembershipOutcome {
  /** A removal runs or is waited for: look again after this long (no watch reports REST-side progress). */
  readonly pollAfterMs?: number;
}

/** How often a running removal is looked at. */
const REMOVAL_POLL_MS = 2000;
const WAIT: MembershipOutcome = { pollAfterMs: REMOVAL_POLL_MS };
const DONE: MembershipOutcome = {};

interface Job { kind: OperationKind; target: string; node: Member; pod: string }

export async function reconcileMembership(
  ctx: DutyContext, state: DesiredState, pods: Pod[], obs: MembershipObservation, operations: OperationLog,
): Promise<MembershipOutcome> {
  const cluster = state.cluster.name;
  const ordinalOf = (pod: string) => podOrdinal(pod, cluster);
  const views = podViews(pods);
  const all = members({ nodes: obs.nodes, hostnames: hostnamesOf(obs.statuses), pods: views, previous: obs.previousNodes, podPrefix: `${cluster}-` });
  const desired = state.cluster.nodes;

  const stale = staleNodes(all);
  const staleUids = new Set(stale.map((s) => s.stale.uid));
  const surplus = surplusNodes(all, views, desired, ordinalOf).filter((m) => !staleUids.has(m.uid));
  const leaving = leavingPods(views, desired, ordinalOf);
  const current = all.filter((m) => !staleUids.has(m.uid)).length;

  const scaleIn = scaleInTarget(operations, current, leaving, desired, ordinalOf);
  const jobs: Job[] = [
    ...stale.map((s) => ({ kind: 'NodeReplacement' as const, target: `pod ${s.stale.pod}: node ${s.stale.uid} -> ${s.replacement.uid}`, node: s.stale, pod: s.stale.pod! })),
    ...(scaleIn ? surplus.map((m) => ({ kind: 'ScaleIn' as const, target: scaleIn, node: m, pod: m.pod! })) : []),
  ];

  // Nothing to remove and nothing leaving: no request at all (steady state).
  if (jobs.length > 0 || (scaleIn && leaving.length > 0)) {
    const actions = await ctx.re.listNodeActions();
    const inFlight = runningRemoval(actions, all);
    for (const job of jobs) {
      const last = actions.find((a) => isRemove(a) && Number(a.node_uid) === job.node.uid);
      const message = `removing node ${job.node.uid} (pod ${job.pod}): its shards and endpoints move to other nodes`;
      if (last && isPending(last)) {
        operations.running(job.kind, job.target, message, job.pod);
        return WAIT;
      }
      if (last && UNSUCCESSFUL.has(String(last.status)) && operations.get(job.kind)?.target === job.target) {
        // Redis Enterprise refused it: reported, retried when the declaration changes (a new target).
        operations.failed(job.kind, job.target, `node ${job.node.uid}: ${describeRemovalFailure(last)}`, job.pod);
        return DONE;
      }
      if (inFlight !== undefined) {
        operations.running(job.kind, job.target, `waiting for the removal of node ${inFlight} to end: one node at a time`, job.pod);
        return WAIT;
      }
      const refusal = removalRefusal(job.node.uid, { members: all, bdbs: obs.bdbs, nodeMemoryBytes: state.cluster.nodeMemoryBytes });
      if (refusal) {
        operations.blocked(job.kind, job.target, refusal, job.pod);
        return DONE;
      }
      ctx.log.info('removing a node no pod holds any more', { node: job.node.uid, pod: job.pod, kind: job.kind });
      await startRemoval(ctx.re, job.node.uid);
      operations.running(job.kind, job.target, message, job.pod);
      return WAIT;
    }
  }

  if (scaleIn && leaving.length > 0) {
    const next = leaving[0];
    operations.running('ScaleIn', scaleIn, `waiting for pod ${next.name} to stop: its preStop removes its node from the cluster`, next.name);
    return WAIT;
  }
  endIfDone(operations, 'ScaleIn', `the cluster has ${current} nodes, as declared`);
  endIfDone(operations, 'NodeReplacement', 'the stale node was removed; the pod runs on its new node');
  return DONE;
}

/**
 * The scale-in in progress, as `nodes <from> -> <to>`, or undefined when
 * there is none. `from` is kept from the running entry, so a run keeps its
 * target (and start time) while the nodes leave one by one.
 */
function scaleInTarget(
  operations: OperationLog, current: number, leaving: readonly PodView[], desired: number, ordinalOf: (pod: string) => number | undefined,
): string | undefined {
  const highestPod = leaving.length > 0 ? (ordinalOf(leaving[0].name) ?? 0) + 1 : 0;
  const from = Math.max(current, highestPod);
  const prev = operations.get('ScaleIn');
  const running = prev && (prev.phase === 'Running' || prev.phase === 'Blocked') && prev.target.endsWith(`-> ${desired}`);
  if (from <= desired) return running ? prev.target : undefined;
  return running ? prev.target : `nodes ${from} -> ${desired}`;
}

function endIfDone(operations: OperationLog, kind: OperationKind, message: string): void {
  const op = operations.get(kind);
  if (op && (op.phase === 'Running' || op.phase === 'Blocked')) operations.succeeded(kind, op.target, message);
}

/** The uid of a member whose remove action runs (a preStop's or ours), if any. */
function runningRemoval(actions: readonly NodeActionStatus[], all: readonly Member[]): number | undefined {
  const uids = new Set(all.map((m) => m.uid));
  const a = actions.find((x) => isRemove(x) && isPending(x) && uids.has(Number(x.node_uid)));
  return a ? Number(a.node_uid) : undefined;
}
