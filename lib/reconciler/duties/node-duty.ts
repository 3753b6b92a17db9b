/**
 * The duty of every sidecar: bring its own Redis Enterprise node into the
 * cluster. The first pod (ordinal 0) creates the cluster; every other pod
 * joins it through the address of a node already in it. A node whose
 * bootstrap state is `completed` is left alone.
 */
import { DesiredState } from '../../contract/desired-state';
import { BootstrapDecision, decideBootstrap } from '../plan/bootstrap-plan';
import { podOrdinal } from '../runtime/config';
import { DutyContext } from '../runtime/context';
import { Pod } from '../io/kube-types';
import { M } from '../runtime/metrics';
import { BootstrapRequest } from '../io/re-types';
import { AdminCredentials } from './secret-duty';
import { secretValue } from '../plan/secrets';
import { awaitBootstrap } from './bootstrap-wait';
import { NodeRecoveryView, reportNodeState } from './node-recovery';

export interface NodeDutyResult {
  bootstrapped: boolean;
  decision: BootstrapDecision | { action: 'blocked'; reason: string };
}

function podReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Rack id: from RACK_ID when the construct passes it, else from the Kubernetes Node's label. */
async function rackId(ctx: DutyContext, label: string | undefined): Promise<string | undefined> {
  if (!label) return undefined;
  if (ctx.config.rackId) return ctx.config.rackId;
  if (!ctx.config.nodeName) throw new Error('rack awareness is on but neither RACK_ID nor NODE_NAME is set');
  const node = await ctx.kube.getNode(ctx.config.nodeName);
  const value = node?.metadata.labels?.[label];
  if (!value) throw new Error(`Kubernetes node ${ctx.config.nodeName} has no label ${label} (needed as rack id)`);
  return value;
}

/**
 * During a quorum loss a fresh node waits (the leader recovers the cluster);
 * once recovered it joins the recovered cluster. Undefined: the usual decision.
 */
function recoveryDecision(bootState: string | undefined, recovery: NodeRecoveryView | undefined): BootstrapDecision | undefined {
  // In a cluster, or a bootstrap action runs: the usual decision (none, or wait).
  if (!recovery || (bootState !== undefined && bootState !== 'idle' && bootState !== 'error')) return undefined;
  if (recovery.phase === 'rejoin' && recovery.clusterAddrs.length > 0) return { action: 'join', nodes: recovery.clusterAddrs };
  return { action: 'wait', reason: 'the cluster lost its quorum: waiting for its recovery' };
}

/**
 * `admin` is the credentials snapshot the REST client authenticates with in
 * this pass. The duty must bootstrap with exactly those: reading the Secret
 * again here could find it just created by the leader, bootstrap the node
 * with it, and then poll the now-authenticated bootstrap status with no
 * credentials (401 until the poll timeout, the sidecar stuck meanwhile).
 */
export async function runNodeDuty(
  ctx: DutyContext, state: DesiredState, pods: Pod[], knownClusterAddrs: string[], admin: AdminCredentials | undefined,
  recovery?: NodeRecoveryView,
): Promise<NodeDutyResult> {
  const boot = await ctx.re.getBootstrap();
  await reportNodeState(ctx, pods, boot.bootstrap_status?.state, recovery);
  const ordinal = podOrdinal(ctx.config.podName, ctx.config.clusterName);
  const readyPeerIps = pods
    .filter((p) => p.metadata.name !== ctx.config.podName && podReady(p) && p.status?.podIP)
    .sort((a, b) => (podOrdinal(a.metadata.name, ctx.config.clusterName) ?? 1e9) - (podOrdinal(b.metadata.name, ctx.config.clusterName) ?? 1e9))
    .map((p) => p.status!.podIP!);
  const decision = recoveryDecision(boot.bootstrap_status?.state, recovery)
    ?? decideBootstrap({ state: boot.bootstrap_status?.state, ordinal, podIp: ctx.config.podIp, knownClusterAddrs, readyPeerIps });
  ctx.metrics.set(M.nodeBootstrapped, decision.action === 'none' ? 1 : 0, {}, '1 when this pod\'s node is in the cluster');
  if (decision.action === 'none') return { bootstrapped: true, decision };
  if (decision.action === 'wait') return { bootstrapped: false, decision };
  // A pod that is leaving (scale-in: its ordinal is at or above the declared
  // count; or terminating) must not join: its node was, or is being, removed,
  // and joining again would add a node no pod keeps.
  const own = pods.find((p) => p.metadata.name === ctx.config.podName);
  if ((ordinal !== undefined && ordinal >= state.cluster.nodes) || own?.metadata.deletionTimestamp) {
    return { bootstrapped: false, decision: { action: 'blocked', reason: `pod ${ctx.config.podName} is leaving the cluster (ordinal ${ordinal} of ${state.cluster.nodes} declared nodes, or terminating): it does not join` } };
  }

  if (!admin) {
    return { bootstrapped: false, decision: { action: 'blocked', reason: `admin credentials Secret ${state.cluster.credentialsSecretName} does not exist yet (the leader creates it)` } };
  }
  const request: BootstrapRequest = {
    action: decision.action === 'create' ? 'create_cluster' : 'join_cluster',
    cluster: decision.action === 'create' ? { name: state.cluster.fqdn } : { name: state.cluster.fqdn, nodes: decision.nodes },
    node: { identity: { addr: ctx.config.podIp, name: ctx.config.podName } },
    credentials: admin,
  };
  // Rejoining a recovered cluster: take the place of this pod's former node (documented identity.uid).
  if (recovery?.phase === 'rejoin' && recovery.formerUid !== undefined) request.node.identity.uid = recovery.formerUid;
  const rack = await rackId(ctx, state.cluster.rackAwarenessNodeLabel);
  if (rack) request.node.identity.rack_id = rack;
  // Older desired-state documents lack persistentPath: Redis Enterprise's default applies then.
  if (state.cluster.persistentPath) request.node.paths = { persistent_path: state.cluster.persistentPath };
  // Auto Tiering: documented as settable at bootstrap only, on every node (create and join).
  if (state.cluster.flashPath) {
    request.node.paths = { ...request.node.paths, bigstore_path: state.cluster.flashPath };
    request.node.bigstore_enabled = true;
  }
  if (decision.action === 'create' && state.cluster.rackAwarenessNodeLabel) request.policy = { rack_aware: true };
  if (decision.action === 'create' && state.cluster.licenseSecretName) {
    const license = secretValue(await ctx.kube.getSecret(state.cluster.licenseSecretName), 'license');
    if (license) request.license = license;
  }
  ctx.log.info(decision.action === 'create' ? 'creating the cluster' : 'joining the cluster', { nodes: decision.action === 'join' ? decision.nodes : [] });
  await ctx.re.bootstrap(request);
  // Follow the bootstrap to its end (bounded), so readiness flips promptly.
  let end = await awaitBootstrap(ctx);
  // A recovered cluster accepts replacement nodes only (documented repair_required): take the node it proposes.
  const candidate = end.state === 'error' && end.errorCode === 'repair_required' ? end.details?.replace_candidate : undefined;
  if (candidate !== undefined && request.node.identity.uid === undefined) {
    ctx.log.info('the cluster accepts replacement nodes only: replacing its candidate', { uid: candidate });
    await ctx.re.bootstrap({ ...request, node: { ...request.node, identity: { ...request.node.identity, uid: candidate } } });
    end = await awaitBootstrap(ctx);
  }
  if (end.state === 'completed') {
    ctx.metrics.set(M.nodeBootstrapped, 1);
    await ctx.events.record({ kind: 'Pod', name: ctx.config.podName }, 'Normal', decision.action === 'create' ? 'ClusterCreated' : 'NodeJoined',
      decision.action === 'create' ? `created Redis Enterprise cluster ${state.cluster.fqdn}` : `node ${ctx.config.podIp} joined the cluster`);
    return { bootstrapped: true, decision };
  }
  if (end.state === 'error') throw new Error(`bootstrap (${request.action}) ended in error${end.errorCode ? ` ${end.errorCode}` : ''}`);
  return { bootstrapped: false, decision };
}
