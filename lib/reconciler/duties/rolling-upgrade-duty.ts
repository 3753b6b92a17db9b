/**
 * The leader's rolling-upgrade duty: carries out the decision of
 * plan/rolling-upgrade.ts. The StatefulSet updates pods `OnDelete`, so a new
 * image in the pod template replaces nothing by itself; this duty deletes
 * the next pod (with a uid precondition: never a pod recreated meanwhile),
 * the StatefulSet recreates it on the new image, the preStop drain and the
 * sidecar's maintenance_off after the restart move its shards away and back.
 * Progress goes to the OperationLog (kind RollingUpgrade, target
 * `image <old> -> <new>`, node = the pod being replaced); each deletion is
 * also an Event and a metric.
 */
import { DEFAULT_UPGRADE_NODE_TIMEOUT_SECONDS, DesiredState } from '../../contract/desired-state';
import { DutyContext } from '../runtime/context';
import { InvolvedObject } from '../io/events';
import { isConflict, isNotFound } from '../io/kube-api';
import { Pod } from '../io/kube-types';
import { Bdb, ReNode, ReNodeStatus } from '../io/re-types';
import { M } from '../runtime/metrics';
import { OperationLog, isEnded } from '../plan/operations';
import { planRollingUpgrade } from '../plan/rolling-upgrade';

const KIND = 'RollingUpgrade';
/** No watch reports a node rejoining or its shards moving back: a roll in progress (or blocked) is polled. */
export const ROLL_POLL_MS = 2000;

export async function reconcileRollingUpgrade(
  ctx: DutyContext, state: DesiredState, pods: Pod[], nodes: ReNode[], statuses: Record<string, ReNodeStatus>, bdbs: Bdb[],
  operations: OperationLog, subject: InvolvedObject,
): Promise<{ pollAfterMs?: number }> {
  await applyDecision(ctx, state, pods, nodes, statuses, bdbs, operations, subject);
  const op = operations.get(KIND);
  return op && !isEnded(op) ? { pollAfterMs: ROLL_POLL_MS } : {};
}

async function applyDecision(
  ctx: DutyContext, state: DesiredState, pods: Pod[], nodes: ReNode[], statuses: Record<string, ReNodeStatus>, bdbs: Bdb[],
  operations: OperationLog, subject: InvolvedObject,
): Promise<void> {
  const decision = planRollingUpgrade({
    clusterName: state.cluster.name,
    image: state.cluster.image,
    version: state.cluster.redisEnterpriseVersion,
    nodes: state.cluster.nodes,
    nodeTimeoutSeconds: state.cluster.upgradeNodeTimeoutSeconds ?? DEFAULT_UPGRADE_NODE_TIMEOUT_SECONDS,
    pods,
    reNodes: nodes.map((n) => ({
      uid: n.uid, addr: n.addr, status: n.status ?? statuses[String(n.uid)]?.node_status, softwareVersion: n.software_version,
      inMaintenance: statuses[String(n.uid)]?.maintenance_snapshot !== undefined,
    })),
    databases: bdbs.map((b) => ({ name: b.name, status: b.status })),
    otherActive: operations.active().filter((op) => op.kind !== KIND),
    previous: operations.get(KIND),
    now: Date.now(),
  });
  switch (decision.action) {
    case 'idle':
      return;
    case 'wait':
      operations.running(KIND, decision.target, decision.message, decision.node);
      return;
    case 'blocked':
      operations.blocked(KIND, decision.target, decision.message, decision.node);
      return;
    case 'failed':
      operations.failed(KIND, decision.target, decision.message);
      return;
    case 'succeeded':
      operations.succeeded(KIND, decision.target, decision.message);
      return;
    case 'delete':
      try {
        await ctx.kube.deletePod(decision.pod, decision.podUid);
      } catch (e) {
        // Gone or recreated since the list: the next pass looks again.
        if (isNotFound(e) || isConflict(e)) return;
        throw e;
      }
      ctx.log.info('rolling upgrade: pod deleted so that the StatefulSet recreates it on the new image', { pod: decision.pod, target: decision.target });
      ctx.metrics.inc(M.upgradePodDeletions, {}, 1, 'Pods the rolling upgrade deleted to replace them on the new image');
      await ctx.events.record(subject, 'Normal', 'RollingUpgradePodDeleted', `${decision.target}: ${decision.message}`);
      operations.running(KIND, decision.target, decision.message, decision.pod);
  }
}
