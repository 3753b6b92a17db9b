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

export type BootstrapState = 'idle' | 'creating_cluster' | 'joining_cluster' | 'error' | 'completed';
export type BootstrapAction = 'create_cluster' | 'join_cluster';

export interface BootstrapEnvironment {
  now(): number;
  bootstrapMs(): number;
  createCluster(init: ClusterInit): ApiDoubleCluster;
  /** The cluster a live node with this address belongs to. */
  clusterOfLiveNode(addr: string): ApiDoubleCluster | undefined;
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

  constructor(private readonly env: BootstrapEnvironment, private readonly local: LocalNode) {}

  begin(action: BootstrapAction, body: Record<string, unknown>): void {
    if (this.state !== 'idle' && this.state !== 'error') {
      throw new ApiError(409, 'bootstrap_in_progress',
        this.state === 'completed' ? 'the node is already part of a cluster' : `bootstrap already in progress (${this.state})`);
    }
    this.state = action === 'create_cluster' ? 'creating_cluster' : 'joining_cluster';
    this.startTime = this.env.now();
    this.endTime = undefined;
    this.failure = undefined;
    this.pending = { action, body };
  }

  tick(now: number): void {
    if (!this.pending || this.startTime === undefined || now - this.startTime < this.env.bootstrapMs()) return;
    const { action, body } = this.pending;
    this.pending = undefined;
    this.endTime = now;
    try {
      const { cluster, nodeUid } = action === 'create_cluster' ? this.create(body) : this.join(body);
      this.cluster = cluster;
      this.nodeUid = nodeUid;
      this.state = 'completed';
    } catch (e) {
      if (!(e instanceof BootstrapFailure)) throw e;
      this.failure = e;
      this.state = 'error';
    }
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
    if (!cluster.checkCredentials(credentials.username, credentials.password)) {
      throw new BootstrapFailure('access_denied', 'invalid credentials supplied');
    }
    const node = this.nodeInit(body);
    if (cluster.nodeByAddr(node.addr)) {
      throw new BootstrapFailure('config_error', `a node with address ${node.addr} is already part of the cluster`);
    }
    if (cluster.rackAware && !node.rackId) {
      const current = [...new Set(cluster.nodes().map((n) => n.rackId).filter((r): r is string => !!r))].sort();
      throw new BootstrapFailure('rack_id_required', 'the cluster is rack-aware and the node has no rack_id', { current_rack_ids: current });
    }
    return { cluster, nodeUid: cluster.addNode(node).uid };
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
