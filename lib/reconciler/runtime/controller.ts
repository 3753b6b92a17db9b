/**
 * The reconcile function: one pass from the desired state to the status.
 * Every sidecar reads the desired state and brings its own node into the
 * cluster; the elected one also runs the cluster duties (Secrets first, then
 * the cluster, databases and slices) and writes the status ConfigMap. Each
 * duty runs once per pass. When and how often a pass runs is the work
 * queue's business (`work-queue.ts`); this module only says how a pass ended.
 */
import { DesiredState, DesiredStateError, parseDesiredState, DESIRED_STATE_KEY } from '../../contract/desired-state';
import { clusterObjectNames } from '../../contract/names';
import { ClusterObservation, runClusterDuty } from '../duties/cluster-duty';
import { DutyContext } from './context';
import { InvolvedObject } from '../io/events';
import { isConflict } from '../io/kube-api';
import { ConfigMap, Pod } from '../io/kube-types';
import { nodePodSelector } from '../../contract/labels';
import { errorMessage } from './logger';
import { runNodeDuty } from '../duties/node-duty';
import { NodeMaintenance } from '../duties/node-maintenance';
import { ensureSecrets, readAdminSecret } from '../duties/secret-duty';
import { AdminCredentialKeeper } from './admin-credentials';
import { rotateAdminPassword } from '../duties/admin-password-rotation';
import { reportCredentialsVersion } from '../duties/credentials-report';
import { AdminCredentialsStatus, rotationInProgress } from '../plan/admin-credentials';
import { StatusDocument, STATUS_SCHEMA_VERSION, parseStatus, renderStatus, statusConfigMapUpdate } from '../plan/status';
import { statusHealth } from '../plan/status-health';
import { QUORUM_LOST } from '../plan/quorum';
import { ReconcileResult } from './work-queue';
import { OperationLog } from '../plan/operations';
import { reportOperations } from '../duties/operation-report';
import { nodeRecoveryView } from '../duties/node-recovery';
import { RECOVERING } from '../plan/quorum-recovery';

/** While waiting (not failing), look again at least this often. */
export const WAIT_POLL_MS = 2000;

export interface ReconcilerState {
  /** Desired state read and understood at least once. */
  desiredStateLoaded: boolean;
  /** This pod's node is in the cluster. */
  nodeBootstrapped: boolean;
}

export interface ReconcilerOptions {
  isLeader: () => boolean;
  /** Shared with the REST client, which authenticates with its `current` credentials and reports every answer to it. */
  credentials: AdminCredentialKeeper;
  /** Takes the node out of maintenance mode left from the last stop (once per process). */
  maintenance?: NodeMaintenance;
  /** Told, before this pass's first REST request, what the desired state and the status say of the API certificate. */
  followApiCertificate?: (state: DesiredState, previous: StatusDocument | undefined) => Promise<void>;
  /** Called with every valid desired state read, before anything acts on it. */
  onDesiredState?: (state: DesiredState) => void;
}

/** How this pod's node duty ended: fine, waiting for the node to be in the cluster, or failed. */
interface NodeOutcome { waitingFor?: string; error?: string }

export class Reconciler {
  readonly state: ReconcilerState = { desiredStateLoaded: false, nodeBootstrapped: false };

  constructor(private readonly ctx: DutyContext, private readonly options: ReconcilerOptions) {}

  private async readDesiredState(): Promise<{ cm: ConfigMap; state?: DesiredState; invalid?: string }> {
    const cm = await this.ctx.kube.getConfigMap(this.ctx.config.desiredStateConfigMap);
    if (!cm) throw new Error(`desired-state ConfigMap ${this.ctx.config.desiredStateConfigMap} does not exist`);
    const raw = cm.data?.[DESIRED_STATE_KEY];
    if (raw === undefined) return { cm, invalid: `ConfigMap ${cm.metadata.name} has no key ${DESIRED_STATE_KEY}` };
    try {
      return { cm, state: parseDesiredState(raw) };
    } catch (e) {
      if (e instanceof DesiredStateError) return { cm, invalid: e.message };
      throw e;
    }
  }

  /** One pass. Throws when it failed (the queue backs off); waiting is a result, not an exception. */
  async reconcile(): Promise<ReconcileResult> {
    const { ctx } = this;
    const { cm, state, invalid } = await this.readDesiredState();
    const subject: InvolvedObject = { kind: 'ConfigMap', name: cm.metadata.name, uid: cm.metadata.uid, apiVersion: 'v1' };
    const statusName = state?.cluster.statusConfigMapName ?? clusterObjectNames(ctx.config.clusterName, ctx.config.namespace).statusConfigMap;
    if (!state) return this.reportInvalid(subject, statusName, invalid!);
    this.state.desiredStateLoaded = true;
    this.options.onDesiredState?.(state);
    // Leadership is read once at the start: a sidecar that becomes leader
    // during the pass runs the leader duties in the pass its election triggers.
    const leader = this.options.isLeader();
    // The leader creates the admin Secret first: every node needs it to bootstrap.
    if (leader) await ensureSecrets(ctx, state, subject);
    const statusCm = await ctx.kube.getConfigMap(statusName);
    const previous = parseStatus(statusCm);
    // Before credentials are handed to the REST client: it must know which certificate to trust.
    await this.options.followApiCertificate?.(state, previous);
    // Last credentials that worked, until the cluster accepts the Secret's new ones (runtime/admin-credentials.ts).
    const keeper = this.options.credentials;
    keeper.observe(await readAdminSecret(ctx, state), previous?.adminCredentials);

    // A sidecar (not the leader: it reports the Blocked rotation) whose credentials the cluster cannot accept yet waits, polling the status.
    if (!leader && keeper.refusedBy(previous?.adminCredentials)) {
      return { requeueAfterMs: WAIT_POLL_MS, waitingFor: `admin credentials: Secret ${state.cluster.credentialsSecretName} rv ${keeper.version} `
        + `is not accepted by Redis Enterprise yet (accepted: ${previous!.adminCredentials!.acceptedVersions.join(', ')}); waiting for the leader to add it` };
    }
    const pods = (await ctx.kube.listPods(nodePodSelector(ctx.config.clusterName))).items;
    const node = await this.runNode(state, pods, previous);
    // A bootstrap can take long: a leader that lost the Lease meanwhile leaves the cluster duties to the new one.
    if (!leader || !this.options.isLeader()) {
      await reportCredentialsVersion(ctx, pods, keeper, previous?.adminCredentials);
      return withCredentialsPoll(nodeResult(node), keeper, previous?.adminCredentials);
    }

    const operations = new OperationLog(previous?.operations);
    const rotation = await this.rotateAdmin(state, pods, previous, operations);
    const obs = await runClusterDuty(ctx, state, pods, subject, keeper.current, operations, previous?.clusterSettings, previous);
    if (rotation.error) obs.errors.push(rotation.error);
    const nodeError = node.error ?? node.waitingFor;
    const doc = clusterStatus(obs, previous, nodeError ?? obs.errors[0]);
    if (rotation.status) doc.adminCredentials = rotation.status;
    const ops = operations.list();
    if (ops) doc.operations = ops;
    const written = await this.writeStatus(statusName, statusCm, doc, cm);
    if (written) await reportOperations(operations, ctx.events, ctx.metrics, subject);
    // After the status that lists the new version: the pod event this may cause starts the others' passes.
    if (written) await reportCredentialsVersion(ctx, pods, keeper, doc.adminCredentials);
    // A leader whose own node is still joining cannot reach the cluster API yet: that is waiting too.
    const onlyWaiting = node.waitingFor !== undefined && obs.clusterState === 'Unreachable';
    if (obs.errors.length > 0 && !onlyWaiting) throw new Error((nodeError ? [nodeError, ...obs.errors] : obs.errors).join('; '));
    // No watch reports a node joining over the REST API or a recovery advancing: a forming or recovering cluster is polled;
    // so are the day-2 operations no watch follows (a claim growing, the StatefulSet applied again, a password's grace period).
    const polled = obs.clusterState === 'Forming' || obs.clusterState === RECOVERING || obs.clusterState === QUORUM_LOST;
    const result = withCredentialsPoll(withRequeue(withRequeue(nodeResult(node), obs.requeueAfterMs), polled ? WAIT_POLL_MS : undefined), keeper, doc.adminCredentials);
    // Written by someone else meanwhile (e.g. a former leader): the next pass rewrites it.
    return written || result.requeueAfterMs !== undefined ? result : { ...result, requeue: true };
  }

  /** The leader's step of an admin password rotation; a failed request is this pass's error, retried. */
  private async rotateAdmin(state: DesiredState, pods: Pod[], previous: StatusDocument | undefined, operations: OperationLog): Promise<{ status?: AdminCredentialsStatus; error?: string }> {
    try {
      const inCluster = this.state.nodeBootstrapped;
      return { status: await rotateAdminPassword(this.ctx, state, pods, this.options.credentials, previous?.adminCredentials, operations, inCluster) };
    } catch (e) {
      return { status: previous?.adminCredentials, error: `admin password rotation: ${errorMessage(e)}` };
    }
  }

  /** Nothing can be done until the document changes (its watch event triggers the next pass). */
  private async reportInvalid(subject: InvolvedObject, statusName: string, invalid: string): Promise<ReconcileResult> {
    const { ctx } = this;
    await ctx.events.record(subject, 'Warning', 'DesiredStateInvalid', invalid);
    if (!this.options.isLeader()) return {};
    const live = await ctx.kube.getConfigMap(statusName);
    const prev = parseStatus(live);
    const written = await this.writeStatus(statusName, live, {
      ...(prev ?? { schemaVersion: STATUS_SCHEMA_VERSION, clusterState: 'Unknown', nodes: [], databases: [], activeActiveDatabases: [] }),
      desiredState: { valid: false, message: invalid },
      lastError: invalid,
    });
    return written ? {} : { requeue: true };
  }

  private async runNode(state: DesiredState, pods: Pod[], previous: StatusDocument | undefined): Promise<NodeOutcome> {
    const { ctx } = this;
    const knownAddrs = previous && previous.nodes.length > 0 ? previous.nodes.map((n) => n.addr).filter(Boolean) : [];
    try {
      const node = await runNodeDuty(ctx, state, pods, knownAddrs, this.options.credentials.current, nodeRecoveryView(previous, ctx.config.podName));
      this.state.nodeBootstrapped = node.bootstrapped;
      if (node.bootstrapped) {
        this.options.maintenance?.leaveAfterRestart(pods);
        return {};
      }
      return { waitingFor: 'reason' in node.decision ? node.decision.reason : `node not in the cluster yet (${node.decision.action})` };
    } catch (e) {
      const error = `node ${ctx.config.podName}: ${errorMessage(e)}`;
      await ctx.events.record({ kind: 'Pod', name: ctx.config.podName }, 'Warning', 'BootstrapFailed', error);
      return { error };
    }
  }

  /** Returns false when someone else wrote the status meanwhile (a conflict). */
  private async writeStatus(name: string, live: ConfigMap | undefined, doc: StatusDocument, owner?: ConfigMap): Promise<boolean> {
    const { ctx } = this;
    const cm = statusConfigMapUpdate(live, name, ctx.config.namespace, ctx.config.clusterName, renderStatus(doc), statusHealth(doc));
    if (!cm) return true;
    if (!live && owner?.metadata.uid) {
      // Owned by the desired-state ConfigMap: removing the cluster removes its status too.
      cm.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid }];
    }
    try {
      if (live) await ctx.kube.replaceConfigMap(cm);
      else await ctx.kube.createConfigMap(cm);
      return true;
    } catch (e) {
      if (!isConflict(e)) throw e;
      return false;
    }
  }
}

function clusterStatus(obs: ClusterObservation, previous: StatusDocument | undefined, lastError: string | undefined): StatusDocument {
  const doc: StatusDocument = {
    schemaVersion: STATUS_SCHEMA_VERSION,
    clusterState: obs.errors.length > 0 && obs.clusterState === 'Unreachable' ? 'Error' : obs.clusterState,
    desiredState: { valid: true },
    nodes: obs.nodes,
    masterPod: obs.masterPod,
    databases: obs.databases,
    activeActiveDatabases: obs.activeActiveDatabases,
    ...(obs.clusterSettings ? { clusterSettings: obs.clusterSettings } : {}),
    lastError,
  };
  // An unreachable REST API must not erase what the last good pass learned;
  // nor must a cluster without quorum, whose nodes (now partly down) are all it answered.
  // A recovered cluster's databases are not running yet either: keep what the last good pass learned.
  const unobserved = obs.clusterState === 'Unreachable' || obs.clusterState === QUORUM_LOST || obs.clusterState === RECOVERING;
  if (unobserved && previous) {
    if (obs.clusterState === 'Unreachable') doc.nodes = previous.nodes;
    doc.databases = previous.databases;
    doc.activeActiveDatabases = previous.activeActiveDatabases;
    doc.masterPod = previous.masterPod;
    if (previous.clusterSettings) doc.clusterSettings = previous.clusterSettings;
  }
  return doc;
}

/**
 * A rotation in progress, or new Secret credentials waiting for the leader,
 * is polled: the status ConfigMap that moves it on is not watched.
 */
function withCredentialsPoll(result: ReconcileResult, keeper: AdminCredentialKeeper, status: AdminCredentialsStatus | undefined): ReconcileResult {
  const waiting = keeper.pending !== undefined && keeper.pending.version !== status?.refusedVersion;
  return waiting || rotationInProgress(status) ? withRequeue(result, WAIT_POLL_MS) : result;
}

/** The earlier of the result's requeue and `ms`. */
function withRequeue(result: ReconcileResult, ms: number | undefined): ReconcileResult {
  if (ms === undefined) return result;
  return result.requeueAfterMs === undefined || result.requeueAfterMs > ms ? { ...result, requeueAfterMs: ms } : result;
}

/** Not in the cluster yet is polled: no watch reports REST-side progress. */
function nodeResult(node: NodeOutcome): ReconcileResult {
  if (node.error) throw new Error(node.error);
  if (node.waitingFor) return { requeueAfterMs: WAIT_POLL_MS, waitingFor: node.waitingFor };
  return {};
}
