/**
 * Translates a desired database (the contract in `lib/desired-state.ts`) into
 * the Redis Enterprise BDB fields it manages. Pure: everything that lives in a
 * Secret or needs a lookup (certificates, role ids, backup credentials,
 * password) is resolved by the caller and passed in.
 */
import { DesiredDatabase, DesiredDatabaseSettings } from '../../contract/desired-state';
import { BdbTag } from '../io/re-types';

export const MANAGED_BY = 'redis-enterprise-reconciler';

/** BDB tag keys the reconciler owns. The official operator uses the same first three names. */
export const TAG = {
  managedBy: 'managed_by',
  name: 'redb_name',
  namespace: 'redb_namespace',
  /** `retain` or `delete`: remembered on the BDB so that it still applies after the database left the desired state. */
  deletionPolicy: 'redis.io/deletion-policy',
  passwordSecret: 'redis.io/db-sec-name',
  /** resourceVersion of the password Secret last applied: a change means "rotate", with no need to read the password back. */
  passwordVersion: 'redis.io/db-sec-latest',
} as const;

/** Values that come from Secrets or lookups, resolved before translation. */
export interface ResolvedReferences {
  /** PEM client CA certificates, in the order of `clientCertificateSecretNames`. */
  clientCertificates: string[];
  rolesPermissions: Array<{ role_uid: number; redis_acl_uid: number }>;
  /** The `backup_location` object including its credentials, when a backup is declared. */
  backupLocation?: Record<string, unknown>;
}

export const NO_REFERENCES: ResolvedReferences = { clientCertificates: [], rolesPermissions: [] };

/** Documented default hashing rules (bdb object, `shard_key_regex`): hash tag, else the whole key. */
export const DEFAULT_SHARD_KEY_REGEX = [{ regex: '.*\\{(?<tag>.*)\\}.*' }, { regex: '(?<tag>.*)' }];

export function persistenceFields(persistence: string): Record<string, unknown> {
  switch (persistence) {
    case 'aofEverySecond': return { data_persistence: 'aof', aof_policy: 'appendfsync-every-sec' };
    case 'aofAlways': return { data_persistence: 'aof', aof_policy: 'appendfsync-always' };
    case 'snapshotEvery1Hour': return { data_persistence: 'snapshot', snapshot_policy: [{ secs: 3600, writes: 1 }] };
    case 'snapshotEvery6Hour': return { data_persistence: 'snapshot', snapshot_policy: [{ secs: 21600, writes: 1 }] };
    case 'snapshotEvery12Hour': return { data_persistence: 'snapshot', snapshot_policy: [{ secs: 43200, writes: 1 }] };
    default: return { data_persistence: 'disabled' };
  }
}

/**
 * The settings shared by plain BDBs and a CRDB's `default_db_config`.
 * Key order is fixed so that request bodies are reproducible.
 */
export function databaseSettingsFields(name: string, s: DesiredDatabaseSettings, refs: ResolvedReferences): Record<string, unknown> {
  const sharding = s.shardCount > 1;
  const alerts: Record<string, unknown> = {};
  for (const a of s.alertSettings) {
    alerts[a.name] = a.threshold === undefined ? { enabled: a.enabled } : { enabled: a.enabled, threshold: a.threshold };
  }
  const body: Record<string, unknown> = {
    name,
    type: s.type,
    memory_size: s.memorySizeBytes,
    port: s.port,
    replication: s.replication,
    sharding,
    shards_count: s.shardCount,
    ...persistenceFields(s.persistence),
    eviction_policy: s.evictionPolicy,
    tls_mode: s.tlsMode,
    authentication_ssl_client_certs: refs.clientCertificates.map((c) => ({ client_cert: c })),
    module_list: s.modules.map((m) => (m.args === undefined ? { module_name: m.name } : { module_name: m.name, module_args: m.args })),
    proxy_policy: s.proxyPolicy,
    oss_cluster: s.ossCluster,
    roles_permissions: refs.rolesPermissions,
    alert_settings: alerts,
    backup: s.backup !== undefined,
  };
  if (sharding) body.shard_key_regex = DEFAULT_SHARD_KEY_REGEX;
  if (s.backup) {
    body.backup_interval = s.backup.intervalSeconds;
    if (refs.backupLocation) body.backup_location = refs.backupLocation;
  }
  return body;
}

export function managedTags(db: DesiredDatabase, namespace: string, passwordVersion?: string): BdbTag[] {
  const tags: BdbTag[] = [
    { key: TAG.managedBy, value: MANAGED_BY },
    { key: TAG.name, value: db.name },
    { key: TAG.namespace, value: namespace },
    { key: TAG.deletionPolicy, value: db.deletionPolicy === 'delete' ? 'delete' : 'retain' },
    { key: TAG.passwordSecret, value: db.passwordSecretName },
  ];
  if (passwordVersion !== undefined) tags.push({ key: TAG.passwordVersion, value: passwordVersion });
  return tags;
}

/** The managed fields of a plain database, without the password. */
export function desiredBdbFields(db: DesiredDatabase, namespace: string, refs: ResolvedReferences, passwordVersion?: string): Record<string, unknown> {
  return { ...databaseSettingsFields(db.name, db, refs), tags: managedTags(db, namespace, passwordVersion) };
}

/** The `POST /v1/bdbs` body: the managed fields plus the initial password. */
export function createBdbBody(db: DesiredDatabase, namespace: string, refs: ResolvedReferences, password: string | undefined, passwordVersion?: string): Record<string, unknown> {
  const body = desiredBdbFields(db, namespace, refs, passwordVersion);
  // authentication_redis_pass is the documented create-time field; later
  // rotations go through PUT /v1/bdbs/{uid}/passwords.
  if (password !== undefined && password !== '') body.authentication_redis_pass = password;
  return body;
}

export function tagValue(tags: BdbTag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

export function isManaged(bdb: { tags?: BdbTag[] }, namespace: string): boolean {
  return tagValue(bdb.tags, TAG.managedBy) === MANAGED_BY && tagValue(bdb.tags, TAG.namespace) === namespace;
}
