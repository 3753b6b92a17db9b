/**
 * The cluster duties of the elected sidecar, in order, through the REST API:
 * the master label, cluster settings, databases and Active-Active databases,
 * then EndpointSlices. The Secrets come before (the secret duty, which every
 * node's bootstrap needs) and the status ConfigMap after (the controller).
 * Last, the rolling upgrade, which needs the databases' live state.
 * Each step reads first and writes only what differs.
 */
import { DesiredState } from '../../contract/desired-state';
import { reconcileClusterSettings } from './cluster-settings-duty';
import { DutyContext } from '../runtime/context';
import { reconcileActiveActive } from './crdb-duty';
import { reconcileDatabases } from './database-duty';
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
import { reconcileRollingUpgrade } from './rolling-upgrade-duty';

export interface ClusterObservation {
  clusterState: string;
  nodes: NodeStatus[];
  masterPod?: string;
  databases: DatabaseStatus[];
  activeActiveDatabases: ActiveActiveStatus[];
  clusterSettings?: ClusterSettingsStatus;
  errors: string[];
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
 * duties that carry one out report its progress there.
 */
export async function runClusterDuty(
  ctx: DutyContext, state: DesiredState, pods: Pod[], subject: InvolvedObject, admin: AdminCredentials | undefined,
  operations: OperationLog, previousSettings?: ClusterSettingsStatus,
): Promise<ClusterObservation> {
  const obs: ClusterObservation = { clusterState: 'Forming', nodes: [], databases: [], activeActiveDatabases: [], errors: [] };
  if (!admin) {
    obs.errors.push(`admin credentials Secret ${state.cluster.credentialsSecretName} is incomplete (needs username and password)`);
    return obs;
  }

  // Nodes and the master, from this node's REST API (which needs this node in the cluster).
  let nodes: ReNode[];
  let nodeStatuses: Record<string, ReNodeStatus>;
  let masterAddr: string | undefined;
  try {
    const [list, statuses] = await Promise.all([ctx.re.listNodes(), ctx.re.nodesStatus()]);
    nodes = list;
    nodeStatuses = statuses;
    const byIp = podByIp(pods);
    for (const n of list) {
      const st = statuses[String(n.uid)];
      if (st?.role === 'master') masterAddr = n.addr;
      obs.nodes.push({ uid: n.uid, addr: n.addr ?? '', pod: n.addr ? byIp.get(n.addr)?.metadata.name : undefined, role: st?.role, status: n.status ?? st?.node_status });
    }
    obs.masterPod = masterAddr ? byIp.get(masterAddr)?.metadata.name : undefined;
    obs.clusterState = list.length >= state.cluster.nodes ? 'Running' : 'Forming';
  } catch (e) {
    obs.errors.push(`cluster: ${errorMessage(e)}`);
    obs.clusterState = 'Unreachable';
    return obs;
  }
  ctx.log.debug('cluster observed', { nodes: nodes.length, master: obs.masterPod });
  // Without its quorum the cluster refuses administrative requests: nothing to do but report it and retry.
  const loss = quorumLoss(obs.nodes);
  if (loss) {
    obs.clusterState = QUORUM_LOST;
    obs.errors.push(quorumLossMessage(loss));
    return obs;
  }
  await reconcileMasterLabel(ctx, pods, masterAddr);

  // Before the databases: a new database takes the cluster's internode encryption default.
  const settings = await reconcileClusterSettings(ctx, state, nodes, previousSettings, subject);
  obs.clusterSettings = settings.status;
  obs.errors.push(...settings.errors);

  let bdbs: Bdb[] = await ctx.re.listBdbs();
  const outcomes = await reconcileDatabases(ctx, state, bdbs, subject);
  for (const o of outcomes) if (o.error) obs.errors.push(o.error);
  const aa = await reconcileActiveActive(ctx, state, admin, subject);
  for (const a of aa) if (a.error) obs.errors.push(a.error);
  if (outcomes.some((o) => o.wrote) || aa.some((a) => a.status === 'active')) bdbs = await ctx.re.listBdbs();

  // EndpointSlices follow the live endpoints of every declared database.
  const byName = new Map(bdbs.map((b) => [b.name, b]));
  const targets: SliceTarget[] = [];
  for (const d of [...state.databases, ...state.activeActiveDatabases]) {
    const bdb = byName.get(d.name);
    if (!bdb) continue;
    targets.push({ serviceName: d.serviceName, bdb }, { serviceName: d.headlessServiceName, bdb });
  }
  await reconcileSlices(ctx, targets, pods);

  try {
    await reconcileRollingUpgrade(ctx, state, pods, nodes, nodeStatuses, bdbs, operations, subject);
  } catch (e) {
    obs.errors.push(`rolling upgrade: ${errorMessage(e)}`);
  }

  const byIp = podByIp(pods);
  obs.databases = outcomes.filter((o) => !o.deleted).map((o) => {
    const live = byName.get(o.status.name) ?? o.bdb;
    const status: DatabaseStatus = { ...o.status };
    if (live) {
      status.status = live.status ?? status.status;
      if (live.uid !== undefined) status.uid = live.uid;
      if (live.port !== undefined) status.port = live.port;
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
