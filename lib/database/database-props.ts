/** Database engine. */
export enum DatabaseType {
  REDIS = 'redis',
  MEMCACHED = 'memcached',
}

/** The operator's persistence enum. */
export enum DatabasePersistence {
  DISABLED = 'disabled',
  AOF_EVERY_SECOND = 'aofEverySecond',
  AOF_ALWAYS = 'aofAlways',
  SNAPSHOT_EVERY_1_HOUR = 'snapshotEvery1Hour',
  SNAPSHOT_EVERY_6_HOURS = 'snapshotEvery6Hour',
  SNAPSHOT_EVERY_12_HOURS = 'snapshotEvery12Hour',
}

/** Redis eviction policies accepted by Redis Enterprise. */
export enum EvictionPolicy {
  VOLATILE_LRU = 'volatile-lru',
  VOLATILE_LFU = 'volatile-lfu',
  VOLATILE_RANDOM = 'volatile-random',
  VOLATILE_TTL = 'volatile-ttl',
  ALLKEYS_LRU = 'allkeys-lru',
  ALLKEYS_LFU = 'allkeys-lfu',
  ALLKEYS_RANDOM = 'allkeys-random',
  NO_EVICTION = 'noeviction',
}

/** TLS between clients and the database (`replica_ssl`: only replication traffic). */
export enum TlsMode {
  DISABLED = 'disabled',
  ENABLED = 'enabled',
  REPLICA_SSL = 'replica_ssl',
}

export enum ProxyPolicy {
  SINGLE = 'single',
  ALL_MASTER_SHARDS = 'all-master-shards',
  ALL_NODES = 'all-nodes',
}

/** What happens in Redis Enterprise when a database leaves the code. */
export enum DeletionPolicy {
  /** The database is reported in the status and kept, data included. */
  RETAIN = 'retain',
  /** The database is deleted, data included. */
  DELETE = 'delete',
}

export enum BackupStorage {
  S3 = 's3',
  GCS = 'gcs',
  ABS = 'abs',
  SFTP = 'sftp',
  /** A path mounted on every node (no credentials). */
  MOUNT = 'mount',
}

export interface DatabaseModule {
  /** Module name as Redis Enterprise lists it, e.g. `search`, `ReJSON`. */
  readonly name: string;
  /**
   * Module arguments.
   * @default - none
   */
  readonly args?: string;
}

/** A Redis Enterprise role bound to a Redis ACL for this database. */
export interface RolePermission {
  /** Role name, exactly as defined in Redis Enterprise. */
  readonly role: string;
  /** Redis ACL name, exactly as defined in Redis Enterprise. */
  readonly acl: string;
}

export interface AlertSetting {
  /** Redis Enterprise alert name, e.g. `bdb_size`, `bdb_high_latency`. */
  readonly name: string;
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Threshold, in the unit of the alert (percent, milliseconds...).
   * @default - Redis Enterprise's default
   */
  readonly threshold?: string;
}

export interface DatabaseBackupProps {
  readonly storage: BackupStorage;
  /** Bucket (s3, gcs), container (abs), sftp URL or mounted path. */
  readonly location: string;
  /**
   * Folder inside the location.
   * @default - the root
   */
  readonly subdir?: string;
  /**
   * Secret with the storage credentials (keys as the operator documents them).
   * @default - none; required except for MOUNT
   */
  readonly credentialsSecretName?: string;
  /**
   * Hours between backups: 1, 4, 12 or 24 (Redis Enterprise's periodic backup intervals).
   * @default 24
   */
  readonly intervalHours?: number;
}

/** Settings shared by plain and Active-Active databases. */
export interface DatabaseSettingsProps {
  /**
   * Memory limit: `100MB`, `1GB` (binary units, as the operator reads them) or a Kubernetes quantity (`512Mi`).
   * @default '100MB'
   */
  readonly memorySize?: string;
  /** @default 1 */
  readonly shardCount?: number;
  /**
   * One replica per master shard, placed on another node (another rack with rack awareness).
   * @default false
   */
  readonly replication?: boolean;
  /** @default DatabasePersistence.DISABLED */
  readonly persistence?: DatabasePersistence;
  /** @default EvictionPolicy.VOLATILE_LRU */
  readonly evictionPolicy?: EvictionPolicy;
  /** @default TlsMode.DISABLED (ENABLED is required for external access) */
  readonly tlsMode?: TlsMode;
  /**
   * Secrets holding CA certificates (key `cert`) that client certificates must be signed by; needs TLS.
   * @default - no client certificate authentication
   */
  readonly clientCertificateSecretNames?: string[];
  /** @default - none (Redis 8 bundles its modules) */
  readonly modules?: DatabaseModule[];
  /**
   * Database port, fixed at synth time and never changed by the reconciler.
   * Must be unique in the cluster and within 10000-19999.
   * @default - derived from the database name (stable; see README)
   */
  readonly port?: number;
  /**
   * Secret with key `password`. Created by the reconciler with a random
   * password when missing; never overwritten.
   * @default 'redb-<name>'
   */
  readonly passwordSecretName?: string;
  /** @default ProxyPolicy.SINGLE (ALL_MASTER_SHARDS with ossCluster) */
  readonly proxyPolicy?: ProxyPolicy;
  /** @default false */
  readonly ossCluster?: boolean;
  /** @default DatabaseType.REDIS */
  readonly type?: DatabaseType;
  /** @default - no periodic backup */
  readonly backup?: DatabaseBackupProps;
  /** @default - Redis Enterprise's alert defaults */
  readonly alertSettings?: AlertSetting[];
  /** @default - only the default user */
  readonly rolesPermissions?: RolePermission[];
  /** @default DeletionPolicy.RETAIN */
  readonly deletionPolicy?: DeletionPolicy;
}
