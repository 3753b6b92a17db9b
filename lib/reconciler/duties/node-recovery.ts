/**
 * Automatic quorum recovery, every sidecar's part: during a quorum loss and
 * its recovery (the last status says so), report on the own pod what the own
 * node answers (label `cdk8s-redis-enterprise.io/node-state`, read by the
 * leader's guard, removed afterwards), keep a fresh node from joining the
 * failed cluster, and once the cluster was recovered join it replacing the
 * pod's former node (documented join `identity.uid`).
 */
import { DutyContext } from '../runtime/context';
import { Pod } from '../io/kube-types';
import { ReApiError } from '../io/re-api';
import { NODE_STATE_LABEL, RECOVERING, ReportedNodeState, inRecoveryContext } from '../plan/quorum-recovery';
import { StatusDocument } from '../plan/status';

/** What the last status tells a sidecar during a quorum loss and its recovery. */
export interface NodeRecoveryView {
  /** `lost`: wait (the leader recovers the cluster); `rejoin`: the cluster was recovered, join it. */
  readonly phase: 'lost' | 'rejoin';
  /** Addresses of the recovered cluster's active nodes. */
  readonly clusterAddrs: string[];
  /** This pod's node uid before the loss, when the status knows it. */
  readonly formerUid?: number;
}

export function nodeRecoveryView(previous: StatusDocument | undefined, podName: string): NodeRecoveryView | undefined {
  if (!previous || !inRecoveryContext(previous)) return undefined;
  const rejoin = previous.clusterState === RECOVERING;
  return {
    phase: rejoin ? 'rejoin' : 'lost',
    clusterAddrs: rejoin ? previous.nodes.filter((n) => n.status === 'active' && n.addr).map((n) => n.addr) : [],
    formerUid: previous.nodes.find((n) => n.pod === podName)?.uid,
  };
}

/** What the own node answers: a cluster that serves requests, one without quorum, a recovery, or no cluster. */
async function observeNode(ctx: DutyContext, bootstrapState: string | undefined): Promise<ReportedNodeState> {
  if (bootstrapState === 'recovering_cluster') return 'recovering';
  if (bootstrapState !== 'completed') return 'idle';
  try {
    // An administrative read: a cluster without quorum refuses it (the double's 503, README "Quorum loss").
    await ctx.re.listBdbs();
    return 'member';
  } catch (e) {
    if (e instanceof ReApiError && e.status === 503) return 'no-quorum';
    throw e;
  }
}

/** Sets the label while `view` is defined, removes it otherwise; writes only when it changes. */
export async function reportNodeState(ctx: DutyContext, pods: Pod[], bootstrapState: string | undefined, view: NodeRecoveryView | undefined): Promise<void> {
  const own = pods.find((p) => p.metadata.name === ctx.config.podName);
  if (!own) return;
  const current = own.metadata.labels?.[NODE_STATE_LABEL];
  const next = view ? await observeNode(ctx, bootstrapState) : undefined;
  if ((next ?? null) === (current ?? null)) return;
  ctx.log.info('reporting the node state for the quorum recovery', { state: next ?? '(removed)' });
  await ctx.kube.patchPodLabels(ctx.config.podName, { [NODE_STATE_LABEL]: next ?? null });
}
