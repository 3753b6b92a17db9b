/**
 * Redis Enterprise REST API objects, limited to the fields the reconciler
 * reads or writes. Names follow the documented API
 * (redis.io/docs/latest/operate/rs/references/rest-api/objects).
 */

export interface BootstrapStatus {
  bootstrap_status?: {
    /** idle | initiated | creating_cluster | recovering_cluster | joining_cluster | error | completed */
    state?: string;
    error_code?: string;
    /** `repair_required` adds `failed_nodes` [{uid, rack_id}] and `replace_candidate` (documented). */
    error_details?: { message?: string; failed_nodes?: Array<{ uid?: number; rack_id?: string }>; replace_candidate?: number };
  };
  /** A real answer has `uid` as a string ("1") and `available_addresses` [{address, format, if_name, private}]. */
  local_node_info?: { uid?: string | number; available_addresses?: Array<{ address?: string }> };
}

export interface BootstrapRequest {
  action: 'create_cluster' | 'join_cluster' | 'recover_cluster';
  cluster: { name: string; nodes?: string[] };
  node: {
    /** `uid`: the documented "assumed node's UID", to replace a dead node (join) or the uid the recovering node takes. */
    identity: { addr: string; name?: string; rack_id?: string; uid?: number };
    paths?: { persistent_path?: string; bigstore_path?: string };
    /** Auto Tiering on this node; documented as settable at bootstrap only. */
    bigstore_enabled?: boolean;
  };
  credentials: { username: string; password: string };
  license?: string;
  /** recover_cluster: the cluster configuration file to recover from (documented bootstrap `recovery_filename`). */
  recovery_filename?: string;
  /** Cluster policy at creation; `rack_aware` makes Redis Enterprise place replicas across racks. */
  policy?: { rack_aware?: boolean };
}

export interface ReNode {
  uid: number;
  addr?: string;
  status?: string;
  rack_id?: string;
  shard_count?: number;
  /** Documented node object: cluster unique ids of the node's shards. */
  shard_list?: number[];
  bigstore_enabled?: boolean;
}

/** One entry of `GET /v1/nodes/status` (keyed by node uid), or `GET /v1/nodes/{uid}/status`. */
export interface ReNodeStatus {
  role?: string;
  node_status?: string;
  hostname?: string;
  /** Documented: present while a maintenance snapshot exists (maintenance mode on, or improperly stopped). */
  maintenance_snapshot?: { name?: string; created_time?: string; node_uid?: string };
}

/** Documented node actions (`POST /v1/nodes/{uid}/actions/{action}`) the reconciler uses. */
export type NodeActionName = 'maintenance_on' | 'maintenance_off' | 'remove';

/** A node action as `GET /v1/nodes/{uid}/actions/{action}` reports it (the POST answers status and task_id only). */
export interface NodeActionStatus {
  task_id?: string;
  /** The docs' example lists a remove as `remove_node`. */
  name?: string;
  /** A string in the docs' examples. */
  node_uid?: string;
  /** queued | starting | running | cancelling | cancelled | completed | failed */
  status?: string;
  progress?: number | string;
  error_code?: string;
  error_message?: string;
}

export interface BdbEndpoint {
  uid?: string;
  dns_name?: string;
  port?: number;
  /** Internal IP addresses of the nodes whose proxies serve this endpoint. */
  addr?: string[];
  addr_type?: string;
}

/** A database tag; answers may mark the tags Redis Software reserves with `isSystem` (computed, never stored). */
export interface BdbTag { key: string; value: string; isSystem?: boolean }

/** A BDB as read from or sent to `/v1/bdbs`; unknown fields are kept as is. */
export interface Bdb {
  uid?: number;
  name: string;
  status?: string;
  port?: number;
  endpoints?: BdbEndpoint[];
  tags?: BdbTag[];
  action_uid?: string;
  crdt?: boolean;
  crdt_guid?: string;
  /** On Redis 8 the bundled modules (search, ReJSON, timeseries, bf) are listed too. */
  module_list?: Array<{ module_name?: string; module_args?: string }>;
  /** "Version of the redis-server processes: e.g. 6.0, 5.0-big". */
  redis_version?: string;
  [field: string]: unknown;
}

/**
 * The fields of `POST /v1/bdbs/{uid}/upgrade` the reconciler sends
 * (requests/bdbs/upgrade). Never `may_discard_data` or `force_discard`: an
 * upgrade that would lose data is left to be refused.
 */
export interface BdbUpgradeRequest {
  /** "Upgrades the database to the specified Redis version instead of the latest version". */
  redis_version: string;
  /** "Preserve shards' master/replica roles (requires an extra failover)": the cluster stays balanced. */
  preserve_roles: boolean;
}

/** One database alert's settings (`POST /v1/bdbs/alerts/{uid}` body entry; answers add state, severity, ...). */
export interface BdbAlertSetting { enabled?: boolean; threshold?: string; [field: string]: unknown }

export interface ReAction {
  action_uid?: string;
  name?: string;
  /** Documented values differ between versions: pending/active/queued/starting/running/cancelling/cancelled/completed/failed. */
  status?: string;
  progress?: number | string;
  error?: string;
  error_code?: string;
  error_message?: string;
}

export interface CrdbClusterInfo {
  url: string;
  name: string;
  credentials: { username: string; password: string };
  replication_endpoint?: string;
  replication_tls_sni?: string;
}

export interface CrdbInstance {
  id?: number;
  cluster: CrdbClusterInfo;
  compression?: number;
  /** Instance-specific settings (port, client certificates), a CRDB database config object. */
  db_config?: Record<string, unknown>;
  db_uid?: string;
}

export interface Crdb {
  guid?: string;
  name: string;
  encryption?: boolean;
  default_db_config?: Record<string, unknown>;
  instances?: CrdbInstance[];
  [field: string]: unknown;
}

export interface CrdbTask {
  id: string;
  crdb_guid?: string;
  /** queued | started | finished | failed */
  status?: string;
  errors?: unknown[];
}

/** One documented certificates object of `PUT /v1/cluster/certificates`. */
export interface CertificateUpdate { name: string; certificate: string; key: string }

/** The documented LDAP object (`/v1/cluster/ldap`), the fields the reconciler sets. */
export interface LdapConfig {
  uris?: string[];
  bind_dn?: string;
  /** Write-only: GET shows it masked. */
  bind_pass?: string;
  ca_cert?: string;
  control_plane?: boolean;
  data_plane?: boolean;
  starttls?: boolean;
  user_dn_template?: string;
  dn_group_attr?: string;
  [field: string]: unknown;
}

export interface ReRole { uid: number; name: string }
export interface ReRedisAcl { uid: number; name: string }
