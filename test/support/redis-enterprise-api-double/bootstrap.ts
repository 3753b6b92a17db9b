/**
 * The bootstrap state of one node (documented GET /v1/bootstrap and
 * POST /v1/bootstrap/{action}).
 *
 * POST is accepted only in state `idle` or `error` (otherwise 409) and is
 * asynchronous: the state is `creating_cluster` / `joining_cluster` for
 * `bootstrapMs`, then `completed`, or `error` with a documented `error_code`
 * (config_error, connect_error, access_denied, invalid_license,
 * rack_id_required) and `error_details.message`. Errors are reported through
 * the status, not the POST answer, as documented.
 *
 * Joining resolves `cluster.nodes` addresses in the registry (no network).
 */
import { isoTime } from './clock';
import { ApiDoubleCluster, ClusterInit, NodeInit, isPlausibleLicense } from './cluster-state';
import { ApiError } from './errors';
import { DEFAULT_PERSISTENT_PATH, PersistentVolume } from './persistent-volume';
import { hasQuorum } from './quorum';

export type BootstrapState = 'idle' | 'creating_cluster' | 'joining_cluster' | 'recovering_cluster' | 'error' | 'completed';
export type BootstrapAction = 'create_cluster' | 'join_cluster' | 'recover_cluster';

const IN_PROGRESS: Record<BootstrapAction, BootstrapState> = {
  create_cluster: 'creating_cluster', join_cluster: 'joining_cluster', recover_cluster: 'recovering_cluster',
};

export interface BootstrapEnvironment {
  now(): number;
  bootstrapMs(): number;
  createCluster(init: ClusterInit): ApiDoubleCluster;
  /** The cluster a live node with this address belongs to. */
  clusterOfLiveNode(addr: string): ApiDoubleCluster | undefined;
  /** Whether a running node other than this one is still a member of `cluster`. */
  runsElsewhere(cluster: ApiDoubleCluster): boolean;
}

/** Facts about the local node that do not come from the request (address and software change when its pod restarts). */
export interface LocalNode {
  addr: string;
  readonly totalMemory: number;
  readonly cores: number;
  softwareVersion: string;
}

class BootstrapFailure extends Error {
  constructor(readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export class NodeBootstrap {
  state: BootstrapState = 'idle';
  cluster?: ApiDoubleCluster;
  nodeUid?: number;
  private startTime?: number;
  private endTime?: number;
  private failure?: BootstrapFailure;
  private pending?: { action: BootstrapAction; body: Record<string, unknown> };

  constructor(private readonly env: BootstrapEnvironment, private readonly local: LocalNode, private readonly volume: PersistentVolume) {}

  begin(action: BootstrapAction, body: Record<string, unknown>): void {
    if (this.state !== 'idle' && this.state !== 'error') {
      throw new ApiError(409, 'bootstrap_in_progress',
        this.state === 'completed' ? 'the node is already part of a cluster' : `bootstrap already in progress (${this.state})`);
    }
    this.state = IN_PROGRESS[action];
    this.startTime = this.env.now();
    this.endTime = undefined;
    this.failure = undefined;
    this.pending = { action, body };
  }

  tick(now: number): void {
    this.forgetIfRemoved();
    if (!this.pending || this.startTime === undefined || now - this.startTime < this.env.bootstrapMs()) return;
    const { action, body } = this.pending;
    this.pending = undefined;
    this.endTime = now;
    try {
      const { cluster, nodeUid } = action === 'create_cluster' ? this.create(body) : action === 'join_cluster' ? this.join(body) : this.recover(body);
      this.cluster = cluster;
      this.nodeUid = nodeUid;
      this.state = 'completed';
      // A member keeps the cluster configuration on its persistent volume.
      const persistentPath = obj(obj(obj(body.node).paths)).persistent_path;
      this.volume.ccs = { cluster, nodeUid, persistentPath: typeof persistentPath === 'string' ? persistentPath : DEFAULT_PERSISTENT_PATH };
    } catch (e) {
      if (!(e instanceof BootstrapFailure)) throw e;
      this.failure = e;
      this.state = 'error';
    }
  }

  /**
   * A node removed from its cluster (the `remove` action) must be reinstalled
   * to join again (docs, "Remove a node"); the double's choice: it answers as
   * a freshly installed node, bootstrap `idle`.
   */
  private forgetIfRemoved(): void {
    if (this.state !== 'completed' || !this.cluster || this.nodeUid === undefined || this.cluster.node(this.nodeUid)) return;
    this.state = 'idle';
    this.cluster = undefined;
    this.nodeUid = undefined;
    this.startTime = undefined;
    this.endTime = undefined;
  }

  statusJson(): Record<string, unknown> {
    return {
      state: this.state,
      ...(this.startTime !== undefined ? { start_time: isoTime(this.startTime) } : {}),
      ...(this.endTime !== undefined ? { end_time: isoTime(this.endTime) } : {}),
      ...(this.failure ? { error_code: this.failure.code, error_details: { message: this.failure.message, ...this.failure.details } } : {}),
    };
  }

  private create(body: Record<string, unknown>): { cluster: ApiDoubleCluster; nodeUid: number } {
    const cluster = obj(body.cluster);
    const name = cluster.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(name)) {
      throw new BootstrapFailure('config_error', 'cluster.name must be a fully qualified name of at most 64 characters');
    }
    const credentials = this.credentials(body);
    if (body.license !== undefined && body.license !== '' && !(typeof body.license === 'string' && isPlausibleLicense(body.license))) {
      throw new BootstrapFailure('invalid_license', 'the license string is invalid');
    }
    // Documented: rack awareness is the bootstrap `policy.rack_aware`. `cluster.rack_aware`
    // is accepted too because some clients send it there (undocumented).
    const rackAware = obj(body.policy).rack_aware === true || cluster.rack_aware === true;
    // Documented bootstrap policy: shards_overbooking, default true.
    const overbooking = obj(body.policy).shards_overbooking ?? true;
    if (typeof overbooking !== 'boolean') throw new BootstrapFailure('config_error', 'policy.shards_overbooking must be a boolean');
    const node = this.nodeInit(body);
    if (rackAware && !node.rackId) {
      throw new BootstrapFailure('rack_id_required', 'a rack-aware cluster needs node.identity.rack_id', { current_rack_ids: [] });
    }
    const created = this.env.createCluster({
      name, credentials, rackAware, shardsOverbooking: overbooking, license: typeof body.license === 'string' ? body.license : undefined,
    });
    return { cluster: created, nodeUid: created.addNode(node).uid };
  }

  private join(body: Record<string, unknown>): { cluster: ApiDoubleCluster; nodeUid: number } {
    const addrs = obj(body.cluster).nodes;
    if (!Array.isArray(addrs) || addrs.length === 0 || !addrs.every((a) => typeof a === 'string')) {
      throw new BootstrapFailure('config_error', 'cluster.nodes must list the address of at least one cluster node');
    }
    const credentials = this.credentials(body);
    const cluster = (addrs as string[]).map((a) => this.env.clusterOfLiveNode(a)).find((c) => c !== undefined);
    if (!cluster) throw new BootstrapFailure('connect_error', 'no live cluster node answers at the given addresses');
    // "Unresponsive to client requests or administrative actions" (cluster-recovery): code and text are the double's.
    if (!hasQuorum(cluster.nodes())) throw new BootstrapFailure('connect_error', 'the cluster at the given addresses has lost its quorum');
    if (!cluster.checkCredentials(credentials.username, credentials.password)) {
      throw new BootstrapFailure('access_denied', 'invalid credentials supplied');
    }
    const node = this.nodeInit(body);
    // A down member's address may be taken: a faulty node is replaced by adding a new node (docs, "Replace a
    // faulty node"), e.g. a pod recreated at its old IP after losing its storage. Both stay listed until the
    // down one is removed (the double's choice); a live node's address is refused, unless it awaits replacement.
    const holder = cluster.nodeByAddr(node.addr);
    if (holder && holder.status === 'active' && !holder.awaitingReplacement) {
      throw new BootstrapFailure('config_error', `a node with address ${node.addr} is already part of the cluster`);
    }
    if (cluster.rackAware && !node.rackId) {
      const current = [...new Set(cluster.nodes().map((n) => n.rackId).filter((r): r is string => !!r))].sort();
      throw new BootstrapFailure('rack_id_required', 'the cluster is rack-aware and the node has no rack_id', { current_rack_ids: current });
    }
    const replacement = this.replacement(cluster, body);
    if (replacement !== undefined) return { cluster, nodeUid: cluster.replaceNode(replacement, node).uid };
    return { cluster, nodeUid: cluster.addNode(node).uid };
  }

  /**
   * recover_cluster (bootstrap object `recovery_filename`, requests/bootstrap
   * state `recovering_cluster`): rebuilds the cluster from the configuration
   * file on this node's persistent volume. The file must be the one the
   * volume holds (else the documented `path_error`). The node takes
   * `node.identity.uid` (documented "assumed node's UID"), default the uid it
   * had (the double's choice; `rladmin cluster recover` defaults to 1). The
   * credentials must be the cluster's admin credentials (the double's choice).
   * Recovering a cluster that still runs on another node would split it in two;
   * the double refuses that loudly (`cluster_still_running`, its own code).
   */
  private recover(body: Record<string, unknown>): { cluster: ApiDoubleCluster; nodeUid: number } {
    const file = body.recovery_filename;
    if (typeof file !== 'string' || !file) throw new BootstrapFailure('config_error', 'recovery_filename is required to recover a cluster');
    const ccs = this.volume.ccs;
    if (!ccs || file !== this.volume.recoveryFilename) throw new BootstrapFailure('path_error', `recovery file ${file} does not exist on this node`);
    const name = obj(body.cluster).name;
    if (name !== undefined && name !== ccs.cluster.name) {
      throw new BootstrapFailure('config_error', `the recovery file holds cluster ${ccs.cluster.name}, not ${String(name)}`);
    }
    const credentials = this.credentials(body);
    if (!ccs.cluster.checkCredentials(credentials.username, credentials.password)) throw new BootstrapFailure('access_denied', 'invalid credentials supplied');
    if (this.env.runsElsewhere(ccs.cluster)) {
      throw new BootstrapFailure('cluster_still_running', `cluster ${ccs.cluster.name} still runs on another node (test double: a recovery now would split it)`);
    }
    const uid = obj(obj(body.node).identity).uid ?? ccs.nodeUid;
    if (typeof uid !== 'number' || !ccs.cluster.node(uid)) throw new BootstrapFailure('config_error', `node uid ${String(uid)} is not part of the recovered configuration`);
    return { cluster: ccs.cluster, nodeUid: ccs.cluster.recover(uid, this.nodeInit(body)).uid };
  }

  /**
   * A recovered cluster accepts only replacement nodes until every node of
   * its configuration is back: documented `repair_required` with
   * `failed_nodes` [{uid, rack_id}] and `replace_candidate`; the documented
   * `identity.uid` names the node to replace.
   */
  private replacement(cluster: ApiDoubleCluster, body: Record<string, unknown>): number | undefined {
    const failed = cluster.nodesAwaitingReplacement();
    const uid = obj(obj(body.node).identity).uid;
    if (uid === undefined && failed.length === 0) return undefined;
    if (uid === undefined) {
      throw new BootstrapFailure('repair_required', 'the cluster is in degraded mode and can only accept replacement nodes', {
        failed_nodes: failed.map((n) => ({ uid: n.uid, ...(n.rackId ? { rack_id: n.rackId } : {}) })), replace_candidate: failed[0].uid,
      });
    }
    if (typeof uid !== 'number' || !failed.some((n) => n.uid === uid)) {
      throw new BootstrapFailure('config_error', `node uid ${String(uid)} is not a failed node of the cluster`);
    }
    return uid;
  }

  private credentials(body: Record<string, unknown>): { username: string; password: string } {
    const c = obj(body.credentials);
    if (typeof c.username !== 'string' || typeof c.password !== 'string' || !c.username || !c.password) {
      throw new BootstrapFailure('config_error', 'credentials.username and credentials.password are required');
    }
    return { username: c.username, password: c.password };
  }

  private nodeInit(body: Record<string, unknown>): NodeInit {
    const node = obj(body.node);
    const identity = obj(node.identity);
    if (identity.addr !== undefined && identity.addr !== this.local.addr) {
      // The address must be one of the node's own (local_node_info.available_addresses).
      throw new BootstrapFailure('config_error', `address ${String(identity.addr)} is not available on this node`);
    }
    // Documented node_identity.bigstore_enabled (Auto Tiering) and paths.bigstore_path.
    const bigstoreEnabled = node.bigstore_enabled ?? false;
    const bigstorePath = obj(node.paths).bigstore_path;
    if (typeof bigstoreEnabled !== 'boolean') throw new BootstrapFailure('config_error', 'node.bigstore_enabled must be a boolean');
    if (bigstorePath !== undefined && (typeof bigstorePath !== 'string' || !bigstorePath.startsWith('/'))) {
      throw new BootstrapFailure('config_error', 'node.paths.bigstore_path must be an absolute path');
    }
    return {
      bigstoreEnabled,
      bigstorePath: bigstorePath as string | undefined,
      addr: this.local.addr,
      name: typeof identity.name === 'string' ? identity.name : undefined,
      rackId: typeof identity.rack_id === 'string' && identity.rack_id ? identity.rack_id : undefined,
      totalMemory: this.local.totalMemory,
      cores: this.local.cores,
      softwareVersion: this.local.softwareVersion,
    };
  }
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
