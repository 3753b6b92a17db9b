/**
 * Automatic quorum recovery, the decisions (pure; duties/quorum-recovery-duty.ts
 * and duties/node-recovery.ts act on them).
 *
 * The documented flow (operate/rs/clusters/cluster-recovery,
 * operate/kubernetes/re-clusters/cluster-recovery): with the cluster's nodes
 * fresh (the official operator recreates every pod), recover the cluster
 * configuration from `ccs/ccs-redis.rdb` on the persistent storage of the
 * first node, join the remaining nodes to it replacing the old ones, then
 * recover the databases.
 *
 * The guard, so that a cluster with a live majority elsewhere is never
 * recovered twice: every declared pod exists, runs, is not terminating and
 * mounts its own claim (`redis-enterprise-storage-<pod>`), and every pod's
 * sidecar reports (label {@link NODE_STATE_LABEL}, from its own node's REST
 * API) that its node is not part of a cluster that answers: `idle` (not
 * bootstrapped) or `no-quorum` (a member of a cluster that lost its quorum).
 * One `member` stops everything. Nodes still holding the failed cluster are
 * restarted first (their pods deleted), as the official operator's
 * RecoveryReset does, so that every node is fresh when the recovery starts.
 */
import { STORAGE_VOLUME_NAME } from '../../contract/names';
import { Pod } from '../io/kube-types';
import { StatusDocument } from './status';
import { isEnded, OperationKind, OperationStatus } from './operations';
import { QUORUM_LOST } from './quorum';

/** The pod label each sidecar sets, during a quorum loss and its recovery only, to what its own node answers. */
export const NODE_STATE_LABEL = 'cdk8s-redis-enterprise.io/node-state';

/**
 * `member`: in a cluster that answers administrative requests. `no-quorum`: in a
 * cluster that lost its quorum. `recovering`: recover_cluster runs on it.
 * `idle`: not part of a cluster (a fresh node).
 */
export type ReportedNodeState = 'member' | 'no-quorum' | 'recovering' | 'idle';

export const QUORUM_RECOVERY: OperationKind = 'QuorumRecovery';

/** clusterState while a recovered cluster waits for its nodes and databases. */
export const RECOVERING = 'Recovering';

/** A raised `recoveryGeneration` is a new target, so a new run after a Failed one. */
export function recoveryTarget(clusterName: string, nodes: number, generation = 0): string {
  return `cluster ${clusterName} (${nodes} nodes${generation > 0 ? `, recovery generation ${generation}` : ''})`;
}

/** The recovery run in the status, if one has not ended. */
export function activeRecovery(previous: StatusDocument | undefined): OperationStatus | undefined {
  const op = previous?.operations?.find((o) => o.kind === QUORUM_RECOVERY);
  return op && !isEnded(op) ? op : undefined;
}

/** A quorum loss or a recovery is under way: the sidecars report their nodes and fresh nodes wait for the recovered cluster. */
export function inRecoveryContext(previous: StatusDocument | undefined): boolean {
  return previous?.clusterState === QUORUM_LOST || previous?.clusterState === RECOVERING || activeRecovery(previous) !== undefined;
}

/** The path of the cluster configuration file under the bootstrap `persistent_path` (clusters/cluster-recovery). */
export function recoveryFilename(persistentPath: string): string {
  return `${persistentPath.replace(/\/+$/, '')}/ccs/ccs-redis.rdb`;
}

export interface RecoveryFacts {
  /** `<rec>-0` .. `<rec>-<n-1>`. */
  readonly declaredPods: readonly string[];
  readonly pods: readonly Pod[];
  /** The leader's pod: recover_cluster can only be sent to it (its own REST API). */
  readonly leaderPod: string;
  /** The pod recover_cluster was sent to by this run, if any. */
  readonly recoveringPod?: string;
}

export type RecoveryDecision =
  /** A precondition does not hold: nothing is done (the reason says which). */
  | { action: 'block'; reason: string }
  /** Pods whose nodes still hold the failed cluster: delete them (exact instances). */
  | { action: 'reset'; pods: Array<{ name: string; uid: string }> }
  /** Every node is fresh: recover on the leader's own node. */
  | { action: 'recover' }
  /** The recovery runs (or ran) on `recoveringPod`; the other nodes rejoin it. */
  | { action: 'wait'; reason: string };

function reported(p: Pod): ReportedNodeState | undefined {
  return p.metadata.labels?.[NODE_STATE_LABEL] as ReportedNodeState | undefined;
}

function hasOwnClaim(p: Pod): boolean {
  const claim = `${STORAGE_VOLUME_NAME}-${p.metadata.name}`;
  return (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim);
}

export function decideRecovery(f: RecoveryFacts): RecoveryDecision {
  const byName = new Map(f.pods.map((p) => [p.metadata.name, p]));
  const states = new Map<string, ReportedNodeState>();
  for (const name of f.declaredPods) {
    const pod = byName.get(name);
    if (!pod) return { action: 'block', reason: `waiting for pod ${name} to be back` };
    if (pod.metadata.deletionTimestamp) return { action: 'block', reason: `waiting for pod ${name} to be back (terminating)` };
    if (pod.status?.phase !== 'Running') return { action: 'block', reason: `waiting for pod ${name} to run (${pod.status?.phase ?? 'no phase'})` };
    if (!hasOwnClaim(pod)) return { action: 'block', reason: `pod ${name} does not mount its claim ${STORAGE_VOLUME_NAME}-${name}: no cluster configuration to recover from` };
    const state = reported(pod);
    if (!state) return { action: 'block', reason: `waiting for pod ${name} to report its node` };
    states.set(name, state);
  }
  const recovering = f.recoveringPod ? states.get(f.recoveringPod) : undefined;
  if (f.recoveringPod && (recovering === 'member' || recovering === 'recovering')) {
    return { action: 'wait', reason: `cluster recovered on ${f.recoveringPod}: waiting for the other nodes to rejoin` };
  }
  const members = f.declaredPods.filter((n) => states.get(n) === 'member');
  if (members.length > 0) {
    return { action: 'block', reason: `the node of pod ${members[0]} reports a cluster that answers: not recovering (a majority may be live elsewhere)` };
  }
  const running = f.declaredPods.find((n) => states.get(n) === 'recovering');
  if (running) return { action: 'wait', reason: `a recovery runs on pod ${running}` };
  const stale = f.declaredPods.filter((n) => states.get(n) === 'no-quorum');
  if (stale.length > 0) return { action: 'reset', pods: stale.map((name) => ({ name, uid: byName.get(name)!.metadata.uid ?? '' })) };
  return { action: 'recover' };
}
