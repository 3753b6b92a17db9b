/**
 * Active-Active: the CRDB request bodies for `/v1/crdbs` from the desired
 * Active-Active database and its remote-cluster entries (pure).
 */
import { DesiredActiveActiveDatabase, DesiredRemoteCluster } from '../../contract/desired-state';
import { Crdb, CrdbInstance } from '../io/re-types';
import { ResolvedReferences, databaseSettingsFields } from './bdb-spec';
import { changedFields } from './bdb-diff';

export interface Credentials { username: string; password: string }

/** Redis Enterprise cluster name of a participant: the FQDN it was bootstrapped with. */
export function participantClusterName(r: DesiredRemoteCluster): string {
  return `${r.recName}.${r.recNamespace}.svc.cluster.local`;
}

/**
 * The fields of `default_db_config` ("CRDB database config object"). It has
 * no `name`, `type`, `eviction_policy`, `roles_permissions`, alerts or backup
 * fields: those are left out rather than sent and ignored (or refused).
 */
const DEFAULT_DB_CONFIG_FIELDS = [
  'memory_size', 'replication', 'rack_aware', 'sharding', 'shards_count', 'shard_key_regex', 'data_persistence', 'aof_policy',
  'snapshot_policy', 'tls_mode', 'enforce_client_authentication', 'module_list', 'proxy_policy', 'oss_cluster',
];

/**
 * Per-instance `db_config`: the port, and the client certificates, which the
 * docs strongly advise configuring per instance "even if the same
 * certificate is used across all instances".
 */
export function instanceDbConfig(db: DesiredActiveActiveDatabase, refs: ResolvedReferences): Record<string, unknown> {
  const all = databaseSettingsFields(db.name, db, refs);
  return { port: all.port, authentication_ssl_client_certs: all.authentication_ssl_client_certs };
}

export function crdbInstance(db: DesiredActiveActiveDatabase, r: DesiredRemoteCluster, credentials: Credentials, refs?: ResolvedReferences): CrdbInstance {
  const endpoint = `${db.name}${r.dbFqdnSuffix}`;
  return {
    ...(refs ? { db_config: instanceDbConfig(db, refs) } : {}),
    cluster: {
      url: `https://${r.apiFqdn}:${r.apiPort}`,
      name: participantClusterName(r),
      credentials,
      // External access is TLS with SNI on 443 (ingress/route passthrough).
      replication_endpoint: `${endpoint}:443`,
      replication_tls_sni: endpoint,
    },
    compression: 6,
  };
}

export function participants(db: DesiredActiveActiveDatabase, remotes: DesiredRemoteCluster[]): DesiredRemoteCluster[] {
  return db.participants
    .map((name) => remotes.find((r) => r.name === name))
    .filter((r): r is DesiredRemoteCluster => r !== undefined);
}

/**
 * Only one participating cluster may create the CRDB (it then exists on all of
 * them): the one whose participant name sorts first. The others wait for it.
 */
export function isCrdbCreator(db: DesiredActiveActiveDatabase, remotes: DesiredRemoteCluster[]): boolean {
  const local = remotes.find((r) => r.local);
  if (!local) return false;
  return [...db.participants].sort()[0] === local.name;
}

export function defaultDbConfig(db: DesiredActiveActiveDatabase, refs: ResolvedReferences, password?: string): Record<string, unknown> {
  const all = databaseSettingsFields(db.name, db, refs);
  const config: Record<string, unknown> = {};
  for (const k of DEFAULT_DB_CONFIG_FIELDS) if (all[k] !== undefined) config[k] = all[k];
  if (password) config.authentication_redis_pass = password;
  return config;
}

export function createCrdbBody(
  db: DesiredActiveActiveDatabase, remotes: DesiredRemoteCluster[], credentials: Map<string, Credentials>,
  refs: ResolvedReferences, password?: string,
): Crdb {
  return {
    name: db.name,
    encryption: true,
    // The declared Redis version at create only (database_config `redis_version`); later changes are upgrades.
    default_db_config: { ...defaultDbConfig(db, refs, password), ...(db.redisVersion !== undefined ? { redis_version: db.redisVersion } : {}) },
    instances: participants(db, remotes).map((r) => crdbInstance(db, r, credentials.get(r.name)!, refs)),
  };
}

export interface CrdbPlan {
  /** `PATCH /v1/crdbs/{guid}` body, when the shared configuration differs. */
  patch?: Partial<Crdb>;
  addInstances: DesiredRemoteCluster[];
  removeInstanceIds: number[];
  changed: string[];
}

/** Fixed at create: hashing rules come with sharding, modules cannot be added later (and Redis 8 lists its bundled ones). */
const NOT_COMPARED = new Set(['shard_key_regex', 'module_list', 'authentication_redis_pass']);

export function planCrdb(db: DesiredActiveActiveDatabase, remotes: DesiredRemoteCluster[], observed: Crdb, refs: ResolvedReferences): CrdbPlan {
  const desired = defaultDbConfig(db, refs);
  const live = observed.default_db_config ?? {};
  const { update: diff, changed } = changedFields(desired, live as Record<string, unknown>, NOT_COMPARED);
  const wanted = participants(db, remotes);
  const liveNames = new Map((observed.instances ?? []).map((i) => [i.cluster?.name, i]));
  const wantedNames = new Set(wanted.map(participantClusterName));
  const addInstances = wanted.filter((r) => !liveNames.has(participantClusterName(r)));
  const removeInstanceIds = (observed.instances ?? [])
    .filter((i) => !wantedNames.has(i.cluster?.name) && i.id !== undefined)
    .map((i) => i.id as number);
  const plan: CrdbPlan = { addInstances, removeInstanceIds, changed };
  if (changed.length > 0) plan.patch = { default_db_config: diff };
  return plan;
}
