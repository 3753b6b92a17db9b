/**
 * Records the test double keeps. JSON answers are built from these by the
 * modules that own them (nodes in cluster-state.ts, BDBs in bdbs.ts, ...), so
 * internal bookkeeping never leaks into an answer.
 */
import type { PasswordList } from './passwords';

export type NodeStatus = 'active' | 'down';

export interface NodeRecord {
  readonly uid: number;
  /** Internal address given at bootstrap (`node.identity.addr`): a fake pod IP, never dialled; follows the pod's IP when the node restarts elsewhere (the double's `rebind`). */
  addr: string;
  /** `node.identity.name`, or the address when none was given; reported as `hostname`. */
  name: string;
  rackId?: string;
  status: NodeStatus;
  /**
   * A node of a recovered cluster that has not been replaced yet (recover_cluster
   * rebuilt it from the configuration; a join with `identity.uid` replaces it).
   * It is `down` and does not count for the quorum of the recovered cluster.
   */
  awaitingReplacement?: boolean;
  readonly totalMemory: number;
  readonly cores: number;
  /** Changes when the node restarts with other software (the double's `upgradeSoftware`). */
  softwareVersion: string;
  /** Bootstrap `node.bigstore_enabled` (Auto Tiering); read-only after bootstrap, as documented. */
  readonly bigstoreEnabled: boolean;
  /** Bootstrap `node.paths.bigstore_path`, reported as `bigredis_storage_path`. */
  readonly bigstorePath?: string;
  /** Set while the node is in maintenance mode; kept across a stop/start, as the real cluster keeps it in its configuration store. */
  maintenance?: MaintenanceState;
  /** Set once a `remove` action was accepted: documented, no shard or endpoint moves to the node any more, even if the removal fails. */
  removing?: boolean;
}

/** What maintenance_on recorded (the documented node snapshot) and how often it was turned on. */
export interface MaintenanceState {
  /** Documented: activations stack; maintenance_off must be run as often as maintenance_on was. */
  depth: number;
  readonly snapshot: NodeSnapshot;
}

/** The documented node snapshot: the node's shards and endpoint bindings when maintenance started. */
export interface NodeSnapshot {
  readonly name: string;
  readonly createdTime: number;
  readonly shards: ReadonlyArray<{ readonly uid: number; readonly role: 'master' | 'slave' }>;
  /** Databases whose endpoint the node served. */
  readonly endpointBdbs: readonly number[];
}

export interface ShardRecord {
  readonly uid: number;
  readonly bdbUid: number;
  /** Shard index within the database (0..shards_count-1); a master and its replica share it. */
  readonly index: number;
  role: 'master' | 'slave';
  nodeUid: number;
}

/** Documented BDB `status` values. */
export type BdbStatus = 'pending' | 'active' | 'active-change-pending' | 'delete-pending' | 'creation-failed' | 'recovery';

export interface BdbRecord {
  readonly uid: number;
  /** Documented configuration fields (and any unmodelled field the client sent, echoed back). */
  config: Record<string, unknown>;
  status: BdbStatus;
  shards: ShardRecord[];
  /** Node uids that serve the database's proxy endpoint. */
  endpointNodes: number[];
  /** The action currently running on the database, if any. */
  actionUid?: string;
  readonly createdTime: number;
  lastChangedTime: number;
  /** The port was assigned by the cluster: answers show `port: 0` (documented). */
  readonly autoPort?: boolean;
  /** Database alerts (`/v1/bdbs/alerts/{uid}`), by alert name. */
  alerts?: Record<string, { enabled: boolean; threshold?: string }>;
  /**
   * The default user's passwords once `/v1/bdbs/{uid}/passwords` was used
   * (digests only, passwords.ts); until then the one of `authentication_redis_pass`.
   */
  passwords?: PasswordList;
}

/** Credentials are compared, never stored in records that are serialized. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}
