/**
 * Automatic quorum recovery, the leader's part (the decisions are in
 * plan/quorum-recovery.ts, each sidecar's part in node-recovery.ts):
 *
 * 1. While the guard does not hold: `QuorumRecovery` Blocked, with the reason.
 * 2. Pods whose nodes still hold the failed cluster are deleted (the
 *    StatefulSet recreates them on the same claims): Running.
 * 3. Every node fresh: `POST /v1/bootstrap/recover_cluster` on the leader's own
 *    node (the only REST API it talks to), which takes its former uid: Running,
 *    `node` = that pod. A refusal or a bootstrap error is Failed, with the code.
 * 4. The other sidecars join the recovered cluster replacing their former nodes
 *    (node-recovery.ts); the leader waits for every node to be active.
 * 5. `POST /v1/bdbs/{uid}/actions/recover` for every database in recovery;
 *    Succeeded once every node and database is active.
 *
 * The progress lives in the status (the operation and its `node`) and in the
 * pods' labels, so a new leader continues where the last one stopped.
 */
import { DesiredState } from '../../contract/desired-state';
import { DutyContext } from '../runtime/context';
import { errorMessage } from '../runtime/logger';
import { isConflict, isNotFound } from '../io/kube-api';
import { Pod } from '../io/kube-types';
import { ReApiError } from '../io/re-api';
import { BootstrapRequest, ReNode } from '../io/re-types';
import { isEnded, OperationLog, OperationStatus } from '../plan/operations';
import { QUORUM_RECOVERY, decideRecovery, recoveryFilename, recoveryTarget } from '../plan/quorum-recovery';
import { StatusDocument } from '../plan/status';
import { awaitBootstrap } from './bootstrap-wait';
import { AdminCredentials } from './secret-duty';

function targetOf(state: DesiredState): string {
  return recoveryTarget(state.cluster.name, state.cluster.nodes, state.cluster.recoveryGeneration);
}

/**
 * The recovery run that has not ended, if any, whatever its target: a
 * generation raised while a run is under way must not orphan it.
 */
export function currentRecovery(operations: OperationLog): OperationStatus | undefined {
  const op = operations.get(QUORUM_RECOVERY);
  return op && !isEnded(op) ? op : undefined;
}

function declaredPods(state: DesiredState): string[] {
  return [...Array(state.cluster.nodes).keys()].map((i) => `${state.cluster.name}-${i}`);
}

/** Steps 1-3: the cluster does not answer (lost quorum, or the leader's node is fresh after its reset). */
export async function superviseQuorumLoss(
  ctx: DutyContext, state: DesiredState, pods: Pod[], admin: AdminCredentials, operations: OperationLog, previous: StatusDocument | undefined,
): Promise<void> {
  const current = currentRecovery(operations);
  const target = current?.target ?? targetOf(state);
  const last = operations.get(QUORUM_RECOVERY);
  // A failed run is not retried by itself (its reason needs a look first): raising recoveryGeneration starts a new one.
  if (last?.target === target && last.phase === 'Failed') return;
  const decision = decideRecovery({ declaredPods: declaredPods(state), pods, leaderPod: ctx.config.podName, recoveringPod: current?.node });
  switch (decision.action) {
    case 'block':
      operations.blocked(QUORUM_RECOVERY, target, decision.reason, current?.node);
      return;
    case 'wait':
      operations.running(QUORUM_RECOVERY, target, decision.reason, current?.node);
      return;
    case 'reset': {
      const names = decision.pods.map((p) => p.name).join(', ');
      operations.running(QUORUM_RECOVERY, target, `restarting pod(s) ${names}: their nodes still hold the cluster that lost its quorum`);
      ctx.log.info('quorum recovery: restarting pods whose nodes hold the failed cluster', { pods: names });
      for (const p of decision.pods) {
        try {
          await ctx.kube.deletePod(p.name, p.uid);
        } catch (e) {
          // Gone already, or recreated meanwhile (the uid precondition): nothing to restart.
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
      }
      return;
    }
    case 'recover':
      await recoverOnOwnNode(ctx, state, admin, operations, target, previous);
  }
}

async function recoverOnOwnNode(
  ctx: DutyContext, state: DesiredState, admin: AdminCredentials, operations: OperationLog, target: string, previous: StatusDocument | undefined,
): Promise<void> {
  const pod = ctx.config.podName;
  const formerUid = previous?.nodes.find((n) => n.pod === pod)?.uid;
  const request: BootstrapRequest = {
    action: 'recover_cluster',
    recovery_filename: recoveryFilename(state.cluster.persistentPath),
    cluster: { name: state.cluster.fqdn },
    node: {
      identity: { addr: ctx.config.podIp, name: pod, ...(formerUid !== undefined ? { uid: formerUid } : {}), ...(ctx.config.rackId ? { rack_id: ctx.config.rackId } : {}) },
      paths: { persistent_path: state.cluster.persistentPath, ...(state.cluster.flashPath ? { bigstore_path: state.cluster.flashPath } : {}) },
      ...(state.cluster.flashPath ? { bigstore_enabled: true } : {}),
    },
    credentials: admin,
  };
  operations.running(QUORUM_RECOVERY, target, `recovering the cluster configuration on ${pod}`, pod);
  ctx.log.info('quorum recovery: recovering the cluster configuration on this node', { file: request.recovery_filename, uid: formerUid });
  try {
    await ctx.re.bootstrap(request);
  } catch (e) {
    if (e instanceof ReApiError && e.transient) throw e;
    operations.failed(QUORUM_RECOVERY, target, `recover_cluster on ${pod} was refused: ${errorMessage(e)}`, pod);
    return;
  }
  const end = await awaitBootstrap(ctx);
  if (end.state === 'completed') {
    operations.running(QUORUM_RECOVERY, target, `cluster recovered on ${pod}: waiting for the other nodes to rejoin`, pod);
  } else if (end.state === 'error') {
    const detail = end.details?.message ? `: ${end.details.message}` : '';
    operations.failed(QUORUM_RECOVERY, target, `recover_cluster on ${pod} ended in error ${end.errorCode ?? 'unknown'}${detail}`, pod);
  }
  // A timeout leaves it running: the node reports `recovering` and the next pass looks again.
}

/**
 * Steps 4-5, once the leader's node answers for the recovered cluster.
 * `no-quorum`: the cluster does not answer administrative requests after all.
 */
export async function continueRecovery(
  ctx: DutyContext, nodes: ReNode[], operations: OperationLog, run: OperationStatus,
): Promise<'recovering' | 'done' | 'no-quorum'> {
  const { target } = run;
  const on = run.node!;
  let bdbs;
  try {
    bdbs = await ctx.re.listBdbs();
  } catch (e) {
    if (e instanceof ReApiError && e.status === 503) return 'no-quorum';
    throw e;
  }
  const down = nodes.filter((n) => n.status !== 'active');
  if (down.length > 0) {
    operations.running(QUORUM_RECOVERY, target, `cluster recovered on ${on}: waiting for ${down.length} node(s) to rejoin (uid ${down.map((n) => n.uid).join(', ')})`, on);
    return 'recovering';
  }
  for (const bdb of bdbs.filter((b) => b.status === 'recovery' && !b.action_uid && b.uid !== undefined)) {
    try {
      await ctx.re.recoverBdb(bdb.uid!);
      ctx.log.info('quorum recovery: recovering database', { name: bdb.name, uid: bdb.uid });
    } catch (e) {
      if (e instanceof ReApiError && e.transient) continue;
      operations.failed(QUORUM_RECOVERY, target, `database ${bdb.name} (uid ${bdb.uid}): recovery refused: ${errorMessage(e)}`, on);
      return 'recovering';
    }
  }
  const pending = bdbs.filter((b) => b.status !== 'active');
  if (pending.length > 0) {
    operations.running(QUORUM_RECOVERY, target, `recovering database(s) ${pending.map((b) => b.name).join(', ')}`, on);
    return 'recovering';
  }
  operations.succeeded(QUORUM_RECOVERY, target, `recovered on ${on}: ${nodes.length} nodes and ${bdbs.length} database(s) active`);
  return 'done';
}
