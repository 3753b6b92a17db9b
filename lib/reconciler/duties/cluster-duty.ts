/**
 * The cluster duties of the elected sidecar, in order: volume expansion
 * (Kubernetes only), then through the REST API the master label, cluster settings, databases and Active-Active databases,
 * then EndpointSlices. The Secrets come before (the secret duty, which every
 * node's bootstrap needs) and the status ConfigMap after (the controller).
 * Each step reads first and writes only what differs.
 */
import { DesiredState } from '../../contract/desired-state';
import { reconcileClusterSettings } from './cluster-settings-duty';
import { DutyContext } from '../runtime/context';
import { reconcileActiveActive } from './crdb-duty';
import { reconcileDatabases } from './database-duty';
import { reconcileDatabaseUpgrades } from './database-upgrade-duty';
import { reconcileMasterLabel, reconcileSlices } from './endpoint-duty';
import { SliceTarget } from '../plan/endpoint-slices';
import { InvolvedObject } from '../io/events';
import { Pod } from '../io/kube-types';
import { errorMessage } from '../runtime/logger';
import { M } from '../runtime/metrics';
import { Bdb, ReNode, ReNodeStatus } from '../io/re-types';
import { AdminCredentials } from './secret-duty';
import { QUORUM_LOST, quorumLoss, quorumLossMessage } from '../plan/quorum';
import { ActiveActiveStatus, ClusterSettingsStatus, DatabaseStatus, NodeStatus } from '../plan/status';
import { OperationLog } from '../plan/operations';
import { hostnamesOf, members, podViews } from '../plan/membership';
import { reconcileMembership } from './membership-duty';
import { runVolumeExpansionDuty } from './volume-expansion-duty';
import { QUORUM_RECOVERY, RECOVERING, inRecoveryContext } from '../plan/quorum-recovery';
import { StatusDocument } from '../plan/status';
import { continueRecovery, currentRecovery, superviseQuorumLoss } from './quorum-recovery-duty';

export interface ClusterObservation {
  clusterState: string;
  nodes: NodeStatus[];
  masterPod?: string;
  databases: DatabaseStatus[];
  activeActiveDatabases: ActiveActiveStatus[];
  clusterSettings?: ClusterSettingsStatus;
  errors: string[];
  /** Look again then even without a watch event: a day-2 operation in progress that no watch follows, or a database password's grace period ending. */
  requeueAfterMs?: number;
}

function podByIp(pods: Pod[]): Map<string, Pod> {
  const m = new Map<string, Pod>();
  for (const p of pods) if (p.status?.podIP) m.set(p.status.podIP, p);
  return m;
}

/**
 * `admin`: the credentials the REST client uses in this pass, read after the
 * secret duty ran. `previousSettings`: what the last status recorded (applied
 * versions, refusals), kept across leaders by the status ConfigMap.
 * `operations`: the day-2 operations as the last status left them; the
 * duties that carry one out report its progress there (quorum recovery:
 * quorum-recovery-duty.ts; database upgrades). `previous`: the last status document.
 */
export async function runClusterDuty(
  ctx: DutyContext, state: DesiredState, pods: Pod[], subject: InvolvedObject, admin: AdminCredentials | undefined,
  operations: OperationLog, previousSettings?: ClusterSettingsStatus, previous?: StatusDocument,
): Promise<ClusterObservation> {
  const obs: ClusterObservation = { clusterState: 'Forming', nodes: [], databases: [], activeActiveDatabases: [], errors: [] };
  // Kubernetes only (claims and the StatefulSet): it needs neither the admin credentials nor the REST API, so it runs first.
  const volumes = await runVolumeExpansionDuty(ctx, state, operations, subject);
  if (volumes.error) obs.errors.push(volumes.error);
  obs.requeueAfterMs = volumes.pollAfterMs;
  if (!admin) {
    obs.errors.push(`admin credentials Secret ${state.cluster.credentialsSecretName} is incomplete (needs username and password)`);
    return obs;
  }

  // Nodes and the master, from this node's REST API (which needs this node in the cluster).
  let nodes: ReNode[];
  let statuses: Record<string, ReNodeStatus>;
  let masterAddr: string | undefined;
  try {
    [nodes, statuses] = await Promise.all([ctx.re.listNodes(), ctx.re.nodesStatus()]);
    const list = nodes;
    const byIp = podByIp(pods);
    const podOf = new Map(members({ nodes: list, hostnames: hostnamesOf(statuses), pods: podViews(pods), previous: previous?.nodes ?? [], podPrefix: `${state.cluster.name}-` })
      .map((m) => [m.uid, m.pod]));
    for (const n of list) {
      const st = statuses[String(n.uid)];
      if (st?.role === 'master') masterAddr = n.addr;
      obs.nodes.push({ uid: n.uid, addr: n.addr ?? '', pod: podOf.get(n.uid), role: st?.role, status: n.status ?? st?.node_status });
    }
    obs.masterPod = masterAddr ? byIp.get(masterAddr)?.metadata.name : undefined;
    obs.clusterState = list.length >= state.cluster.nodes ? 'Running' : 'Forming';
  } catch (e) {
    // During a quorum loss the leader's own node may be fresh (restarted for the recovery): the recovery goes on.
    if (previous && inRecoveryContext(previous)) {
      obs.nodes = previous.nodes;
      obs.clusterState = previous.clusterState === RECOVERING ? RECOVERING : QUORUM_LOST;
      await superviseQuorumLoss(ctx, state, pods, admin, operations, previous);
      return obs;
    }
    obs.errors.push(`cluster: ${errorMessage(e)}`);
    obs.clusterState = 'Unreachable';
    return obs;
  }
  ctx.log.debug('cluster observed', { nodes: nodes.length, master: obs.masterPod });
  // A recovered cluster: its nodes rejoin, then its databases are recovered, before anything else is done.
  const run = currentRecovery(operations);
  if (run?.node) {
    const progress = await continueRecovery(ctx, nodes, operations, run);
    if (progress === 'recovering') {
      obs.clusterState = RECOVERING;
      return obs;
    }
  }
  // Without its quorum the cluster refuses administrative requests: report it and see whether it can be recovered.
  const loss = quorumLoss(obs.nodes);
  if (loss) {
    obs.clusterState = QUORUM_LOST;
    obs.errors.push(quorumLossMessage(loss));
    await superviseQuorumLoss(ctx, state, pods, admin, operations, previous);
    return obs;
  }
  // Enough nodes came back as members before any recovery began: there is nothing to recover.
  if (run && !run.node) operations.succeeded(QUORUM_RECOVERY, run.target, 'not needed: the cluster has its quorum again');
  await reconcileMasterLabel(ctx, pods, masterAddr);

  // Before the databases: a new database takes the cluster's internode encryption default.
  const settings = await reconcileClusterSettings(ctx, state, nodes, previousSettings, subject);
  obs.clusterSettings = settings.status;
  obs.errors.push(...settings.errors);

  let bdbs: Bdb[] = await ctx.re.listBdbs();
  const outcomes = await reconcileDatabases(ctx, state, bdbs, subject, operations);
  const retries = outcomes.map((o) => o.retryAfterMs).filter((ms): ms is number => ms !== undefined);
  if (retries.length > 0) obs.requeueAfterMs = Math.min(...retries, ...(obs.requeueAfterMs !== undefined ? [obs.requeueAfterMs] : []));
  for (const o of outcomes) if (o.error) obs.errors.push(o.error);
  // After the settings: an upgrade restarts the shards of a database whose other fields are in line.
  const upgrades = await reconcileDatabaseUpgrades(ctx, state, bdbs, operations);
  obs.errors.push(...upgrades.errors);
  const aa = await reconcileActiveActive(ctx, state, admin, subject);
  for (const a of aa) if (a.error) obs.errors.push(a.error);
  if (outcomes.some((o) => o.wrote) || upgrades.wrote || aa.some((a) => a.status === 'active')) bdbs = await ctx.re.listBdbs();

  // Membership after the databases: a removal started now moves endpoints in a later pass, which the slices then follow.
  try {
    const membership = await reconcileMembership(ctx, state, pods, { nodes, statuses, bdbs, previousNodes: previous?.nodes ?? [] }, operations);
    if (membership.pollAfterMs !== undefined) obs.requeueAfterMs = Math.min(obs.requeueAfterMs ?? Infinity, membership.pollAfterMs);
  } catch (e) {
    obs.errors.push(`membership: ${errorMessage(e)}`);
  }

  // EndpointSlices follow the live endpoints of every declared database.
  const byName = new Map(bdbs.map((b) => [b.name, b]));
  const targets: SliceTarget[] = [];
  for (const d of [...state.databases, ...state.activeActiveDatabases]) {
    const bdb = byName.get(d.name);
    if (!bdb) continue;
    targets.push({ serviceName: d.serviceName, bdb }, { serviceName: d.headlessServiceName, bdb });
  }
  await reconcileSlices(ctx, targets, pods);

  const byIp = podByIp(pods);
  obs.databases = outcomes.filter((o) => !o.deleted).map((o) => {
    const live = byName.get(o.status.name) ?? o.bdb;
    const status: DatabaseStatus = { ...o.status };
    if (live) {
      status.status = live.status ?? status.status;
      if (live.uid !== undefined) status.uid = live.uid;
      if (live.port !== undefined) status.port = live.port;
      if (typeof live.redis_version === 'string') status.redisVersion = live.redis_version;
      status.endpoints = (live.endpoints ?? []).map((e) => ({
        dnsName: e.dns_name,
        port: e.port,
        pods: (e.addr ?? []).map((a) => byIp.get(a)?.metadata.name ?? a).sort(),
      }));
    }
    return status;
  });
  obs.activeActiveDatabases = aa.map(({ error: _e, ...rest }) => rest);
  const active = obs.databases.filter((d) => d.status === 'active').length;
  ctx.metrics.set(M.databases, active, { state: 'active' }, 'Declared and retained databases, by state');
  ctx.metrics.set(M.databases, obs.databases.length - active, { state: 'other' });
  return obs;
}
