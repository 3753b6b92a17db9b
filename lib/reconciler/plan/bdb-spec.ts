/**
 * Translates a desired database (the contract in `lib/desired-state.ts`) into
 * the Redis Enterprise BDB fields it manages. Pure: everything that lives in a
 * Secret or needs a lookup (certificates, role ids, backup credentials,
 * password) is resolved by the caller and passed in.
 */
import { DesiredDatabase, DesiredDatabaseSettings } from '../../contract/desired-state';
import { BdbTag } from '../io/re-types';

export const MANAGED_BY = 'redis-enterprise-reconciler';

/**
 * BDB tag keys the reconciler owns. From Redis Software 8.2 a key must start
 * with a letter or underscore and hold only letters, digits and underscores
 * (at most 64 characters; "Manage database tags", tag validation rules), so
 * every key here is valid on 8.0 and 8.2+. The first three are the official
 * operator's names.
 */
export const TAG = {
  managedBy: 'managed_by',
  name: 'redb_name',
  namespace: 'redb_namespace',
  /** `retain` or `delete`: remembered on the BDB so that it still applies after the database left the desired state. */
  deletionPolicy: 'redb_deletion_policy',
  passwordSecret: 'redb_password_secret',
  /** resourceVersion of the password Secret last applied: a change means "rotate", with no need to read the password back. */
  passwordVersion: 'redb_password_version',
  /** Digest of the backup declaration and its Secret's resourceVersion last applied (never of a credential). */
  backupVersion: 'redb_backup_version',
  /**
   * `<resourceVersion>:<unix seconds>` while a rotation runs: that Secret version's password
   * was added then, beside the previous one (plan/database-password.ts).
   */
  passwordAdded: 'redb_password_added',
} as const;

/**
 * Keys earlier builds wrote, invalid from 8.2. They are read as a fallback (a
 * BDB created before keeps its deletion policy) and dropped on the next tag
 * write: an unchanged legacy tag is allowed to stay, so nothing fails meanwhile.
 */
export const LEGACY_TAG: Partial<Record<keyof typeof TAG, string>> = {
  deletionPolicy: 'redis.io/deletion-policy',
  passwordSecret: 'redis.io/db-sec-name',
  passwordVersion: 'redis.io/db-sec-latest',
};

/**
 * Keys Redis Software reserves ("such as `redis`, `cluster`, and `db`"). It
 * refuses them on write and keeps stored system tags when a write leaves them
 * out, so they are never sent back; answers may also mark them `isSystem`.
 */
export const SYSTEM_TAG_KEYS: readonly string[] = ['redis', 'cluster', 'db'];

export function isSystemTag(t: BdbTag): boolean {
  return t.isSystem === true || SYSTEM_TAG_KEYS.includes(t.key);
}

/** Values that come from Secrets, lookups or the cluster declaration, resolved before translation. */
export interface ResolvedReferences {
  /** PEM client CA certificates, in the order of `clientCertificateSecretNames`. */
  clientCertificates: string[];
  rolesPermissions: Array<{ role_uid: number; redis_acl_uid: number }>;
  /** The `backup_location` object including its credentials, when a backup is declared. */
  backupLocation?: Record<string, unknown>;
  /** Digest of the backup declaration and its credentials Secret's resourceVersion (tag {@link TAG.backupVersion}). */
  backupVersion?: string;
  /** The cluster is rack aware (its policy `rack_aware` is set at bootstrap): replicated databases must be too. */
  rackAware?: boolean;
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

/** The memcached SASL username when the password Secret has none: the database name. */
export function saslUsername(name: string, fromSecret?: string): string {
  return fromSecret && fromSecret.trim() ? fromSecret : name;
}

/**
 * The settings of a plain BDB (the bdb object's documented fields only; alerts
 * have their own endpoint, see `alert-settings.ts`). Key order is fixed so
 * that request bodies are reproducible.
 */
export function databaseSettingsFields(name: string, s: DesiredDatabaseSettings, refs: ResolvedReferences): Record<string, unknown> {
  const sharding = s.shardCount > 1;
  const memcached = s.type === 'memcached';
  const body: Record<string, unknown> = {
    name,
    type: s.type,
    memory_size: s.memorySizeBytes,
    port: s.port,
    replication: s.replication,
    // Rack-zone awareness is per database too: the cluster policy only allows it.
    rack_aware: refs.rackAware === true && s.replication,
    sharding,
    shards_count: s.shardCount,
    ...persistenceFields(s.persistence),
    eviction_policy: s.evictionPolicy,
    tls_mode: s.tlsMode,
    // Explicit both ways: the documented default is 'enabled', so leaving it out does not turn it off.
    enforce_client_authentication: refs.clientCertificates.length > 0 ? 'enabled' : 'disabled',
    authentication_ssl_client_certs: refs.clientCertificates.map((c) => ({ client_cert: c })),
    proxy_policy: s.proxyPolicy,
    oss_cluster: s.ossCluster,
    roles_permissions: refs.rolesPermissions,
    backup: s.backup !== undefined,
  };
  if (!memcached) body.module_list = s.modules.map((m) => (m.args === undefined ? { module_name: m.name } : { module_name: m.name, module_args: m.args }));
  if (sharding) body.shard_key_regex = DEFAULT_SHARD_KEY_REGEX;
  if (s.backup) {
    body.backup_interval = s.backup.intervalSeconds;
    if (refs.backupLocation) body.backup_location = refs.backupLocation;
  }
  return body;
}

export function managedTags(db: DesiredDatabase, namespace: string, passwordVersion?: string, passwordAdded?: string): BdbTag[] {
  const tags: BdbTag[] = [
    { key: TAG.managedBy, value: MANAGED_BY },
    { key: TAG.name, value: db.name },
    { key: TAG.namespace, value: namespace },
    { key: TAG.deletionPolicy, value: db.deletionPolicy === 'delete' ? 'delete' : 'retain' },
    { key: TAG.passwordSecret, value: db.passwordSecretName },
  ];
  // A tag value must not be empty (8.2 rules): an unset version is simply not tagged.
  if (passwordVersion) tags.push({ key: TAG.passwordVersion, value: passwordVersion });
  if (passwordAdded) tags.push({ key: TAG.passwordAdded, value: passwordAdded });
  return tags;
}

/** The managed fields of a plain database, without the password. */
export function desiredBdbFields(db: DesiredDatabase, namespace: string, refs: ResolvedReferences, passwordVersion?: string, passwordAdded?: string): Record<string, unknown> {
  const tags = managedTags(db, namespace, passwordVersion, passwordAdded);
  if (refs.backupVersion) tags.push({ key: TAG.backupVersion, value: refs.backupVersion });
  return { ...databaseSettingsFields(db.name, db, refs), tags };
}

/** The credentials a database's password Secret gives it: Redis AUTH, or SASL for memcached. */
export interface DatabaseCredentials { password: string; username?: string }

/** The password fields of a body: `authentication_redis_pass` is ignored for memcached, which uses SASL. */
export function passwordFields(db: DesiredDatabaseSettings & { name: string }, creds: DatabaseCredentials): Record<string, unknown> {
  if (creds.password === '') return {};
  if (db.type === 'memcached') return { authentication_sasl_uname: saslUsername(db.name, creds.username), authentication_sasl_pass: creds.password };
  return { authentication_redis_pass: creds.password };
}

/**
 * The `POST /v1/bdbs` body: the managed fields, the declared Redis version
 * (a later change is an upgrade request, never a PUT: it is not among the
 * compared fields) and the initial credentials.
 */
export function createBdbBody(db: DesiredDatabase, namespace: string, refs: ResolvedReferences, creds: DatabaseCredentials | undefined, passwordVersion?: string): Record<string, unknown> {
  const fields = desiredBdbFields(db, namespace, refs, passwordVersion);
  const body = db.redisVersion !== undefined ? { ...fields, redis_version: db.redisVersion } : fields;
  // Create-time fields; later Redis rotations go through PUT /v1/bdbs/{uid}/passwords,
  // memcached ones through the SASL fields of PUT /v1/bdbs/{uid}.
  return creds ? { ...body, ...passwordFields(db, creds) } : body;
}

export function tagValue(tags: BdbTag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

/** The value of an owned tag, read under its current key, else under the key earlier builds wrote. */
export function ownedTagValue(tags: BdbTag[] | undefined, name: keyof typeof TAG): string | undefined {
  const legacy = LEGACY_TAG[name];
  return tagValue(tags, TAG[name]) ?? (legacy ? tagValue(tags, legacy) : undefined);
}

export function isManaged(bdb: { tags?: BdbTag[] }, namespace: string): boolean {
  return tagValue(bdb.tags, TAG.managedBy) === MANAGED_BY && tagValue(bdb.tags, TAG.namespace) === namespace;
}
