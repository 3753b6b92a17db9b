/**
 * The desired-state document: the contract between the constructs (synth
 * time) and the reconciler sidecar (run time).
 *
 * The constructs write one document per cluster, as JSON, into the ConfigMap
 * `<rec>-desired-state` under the key {@link DESIRED_STATE_KEY}. The
 * reconciler reads it, makes it true inside Redis Enterprise and refuses a
 * `schemaVersion` it does not understand. Both halves import this module, so
 * a change here is a change of the contract: bump the version when a field
 * changes meaning or a required field is added.
 *
 * Everything here is plain data (no functions, no class instances) and holds
 * no secret values: Secrets are named, never embedded.
 */

/** The version of the document that this build writes and understands. */
export const DESIRED_STATE_SCHEMA_VERSION = 1;

/** ConfigMap key that holds the JSON document. */
export const DESIRED_STATE_KEY = 'desired-state.json';

/** The whole document for one Redis Enterprise cluster. */
export interface DesiredState {
  /** Always {@link DESIRED_STATE_SCHEMA_VERSION} for documents written by this build. */
  readonly schemaVersion: number;
  readonly cluster: DesiredCluster;
  /** Plain (single-cluster) databases, ordered by name. */
  readonly databases: DesiredDatabase[];
  /** Remote clusters known to this cluster (Active-Active participants, this one included), ordered by name. */
  readonly remoteClusters: DesiredRemoteCluster[];
  /** Active-Active databases this cluster participates in, ordered by name. */
  readonly activeActiveDatabases: DesiredActiveActiveDatabase[];
}

export interface DesiredCluster {
  /** The RedisEnterpriseCluster name (`<rec>`): StatefulSet, ServiceAccount and API Service name. */
  readonly name: string;
  readonly namespace: string;
  /** Redis Enterprise cluster FQDN used at bootstrap: `<rec>.<namespace>.svc.cluster.local`. */
  readonly fqdn: string;
  /** Number of Redis Enterprise nodes (StatefulSet replicas). */
  readonly nodes: number;
  /** Admin username written into the credentials Secret when the reconciler creates it. */
  readonly adminUsername: string;
  /** Secret with keys `username` and `password`; created at run time if missing, never overwritten. */
  readonly credentialsSecretName: string;
  /** Secret with key `license`; absent means the trial license. */
  readonly licenseSecretName?: string;
  /** Kubernetes node label whose value is the Redis Enterprise rack id; absent means no rack awareness. */
  readonly rackAwarenessNodeLabel?: string;
  /** Node memory limit in bytes, used to size databases. */
  readonly nodeMemoryBytes: number;
  /** Where Redis Enterprise keeps persistent data (the bootstrap `persistent_path`). */
  readonly persistentPath: string;
  /** ConfigMap the reconciler writes its observed status into. */
  readonly statusConfigMapName: string;
  /** External access, when configured: the REST API hostname and the database hostname suffix. */
  readonly externalAccess?: DesiredExternalAccess;
  /** Secrets with certificates to install (PUT /v1/cluster/certificates); absent ones stay self-signed. */
  readonly certificates?: DesiredCertificates;
  /** LDAP settings (PUT /v1/cluster/ldap). */
  readonly ldap?: DesiredLdap;
  /** Default data internode encryption policy for new databases. */
  readonly dataInternodeEncryption?: boolean;
  /** Auto Tiering: where the flash volume is mounted (the bootstrap `bigstore_path`). */
  readonly flashPath?: string;
  /**
   * The declared size of every claim template of the StatefulSet
   * (`redis-enterprise-storage`, and `redis-enterprise-flash` with Auto
   * Tiering), so that the reconciler can expand claims created smaller.
   * Absent in documents of older builds: no volume expansion then.
   */
  readonly volumeClaims?: DesiredVolumeClaim[];
  /** The quorum recovery's manual trigger: a new value starts a new run after a failed one. Absent means 0. */
  readonly recoveryGeneration?: number;
}

/** One claim template: PVCs `<template>-<rec>-<ordinal>` should have at least `size`. */
export interface DesiredVolumeClaim {
  /** Claim template name, e.g. `redis-enterprise-storage`. */
  readonly template: string;
  /** Kubernetes quantity, as written in the claim template (`30Gi`). */
  readonly size: string;
}

/** Secret names per Redis Enterprise certificate. */
export interface DesiredCertificates {
  readonly api?: string;
  readonly proxy?: string;
  readonly syncer?: string;
  readonly cm?: string;
  readonly metricsExporter?: string;
}

export interface DesiredLdap {
  /** LDAP, LDAPS or STARTTLS. */
  readonly protocol: string;
  readonly servers: Array<{ readonly host: string; readonly port: number }>;
  /** Secret with keys `dn` and `password`. */
  readonly bindCredentialsSecretName: string;
  readonly caCertificateSecretName?: string;
  readonly authenticationQueryTemplate: string;
  readonly authorizationAttribute: string;
  readonly enabledForControlPlane: boolean;
  readonly enabledForDataPlane: boolean;
}

export interface DesiredExternalAccess {
  /** `ingress`, `istio` or `openShiftRoute`. */
  readonly method: string;
  /** Hostname of the REST API from outside the Kubernetes cluster. */
  readonly apiFqdn: string;
  /** Suffix appended to a database name to form its external hostname (starts with `.` or `-`). */
  readonly dbFqdnSuffix: string;
  /** Port external clients use (TLS passthrough): 443. */
  readonly port: number;
}

/** Settings common to plain and Active-Active databases, in Redis Enterprise REST API terms. */
export interface DesiredDatabaseSettings {
  /** `redis` or `memcached`. */
  readonly type: string;
  /** Memory limit in bytes (`memory_size`). */
  readonly memorySizeBytes: number;
  /** Database port, fixed at synth time and never changed by the reconciler. */
  readonly port: number;
  readonly shardCount: number;
  readonly replication: boolean;
  /** The operator's persistence enum: disabled, aofEverySecond, aofAlways, snapshotEvery1Hour, snapshotEvery6Hour, snapshotEvery12Hour. */
  readonly persistence: string;
  readonly evictionPolicy: string;
  /** disabled, enabled or replica_ssl. */
  readonly tlsMode: string;
  /** Secrets holding client CA certificates (key `cert`). */
  readonly clientCertificateSecretNames: string[];
  readonly modules: DesiredModule[];
  /** Secret with key `password`; created at run time if missing, never overwritten. */
  readonly passwordSecretName: string;
  /** single, all-master-shards or all-nodes. */
  readonly proxyPolicy: string;
  readonly ossCluster: boolean;
  readonly rolesPermissions: DesiredRolePermission[];
  readonly alertSettings: DesiredAlertSetting[];
  readonly backup?: DesiredBackup;
}

export interface DesiredDatabase extends DesiredDatabaseSettings {
  readonly name: string;
  /** `retain` (default: reported and kept when removed from code) or `delete`. */
  readonly deletionPolicy: string;
  /** ClusterIP Service without selector; the reconciler owns its EndpointSlice. */
  readonly serviceName: string;
  /** Headless Service without selector; the reconciler owns its EndpointSlice. */
  readonly headlessServiceName: string;
  /** External hostname when the database is exposed outside the Kubernetes cluster. */
  readonly externalHostname?: string;
  /**
   * Redis database version (`major.minor`, the bdb's `redis_version`): sent
   * at create; a newer one on an existing database is an upgrade
   * (`POST /v1/bdbs/{uid}/upgrade`). Absent: the cluster's default, never upgraded.
   */
  readonly redisVersion?: string;
}

export interface DesiredModule {
  readonly name: string;
  readonly args?: string;
}

export interface DesiredRolePermission {
  readonly role: string;
  readonly acl: string;
}

export interface DesiredAlertSetting {
  /** Redis Enterprise alert name, e.g. `bdb_size`. */
  readonly name: string;
  readonly enabled: boolean;
  readonly threshold?: string;
}

export interface DesiredBackup {
  /** Seconds between backups (`backup_interval`). */
  readonly intervalSeconds: number;
  /** s3, gcs, abs, sftp, mount. */
  readonly type: string;
  /** Bucket / container / URL / path, depending on the type. */
  readonly location: string;
  /** Sub-directory inside the location. */
  readonly subdir?: string;
  /** Secret with the storage credentials (absent for `mount`). */
  readonly credentialsSecretName?: string;
}

export interface DesiredRemoteCluster {
  /** Participant name (the RERC name of the official operator). */
  readonly name: string;
  /** Name and namespace of the RedisEnterpriseCluster in its Kubernetes cluster. */
  readonly recName: string;
  readonly recNamespace: string;
  readonly apiFqdn: string;
  readonly apiPort: number;
  readonly dbFqdnSuffix: string;
  /** Secret in this namespace with that cluster's admin `username`/`password` (`redis-enterprise-<name>`). */
  readonly credentialsSecretName: string;
  /** True for the entry that describes this cluster itself. */
  readonly local: boolean;
}

export interface DesiredActiveActiveDatabase extends DesiredDatabaseSettings {
  readonly name: string;
  /** Names of the participating remote clusters (entries of `remoteClusters`), ordered. */
  readonly participants: string[];
  readonly deletionPolicy: string;
  readonly serviceName: string;
  readonly headlessServiceName: string;
  /** This cluster's replication endpoint hostname (`<db><dbFqdnSuffix>`). */
  readonly externalHostname: string;
  /**
   * Redis database version (`major.minor`): `default_db_config.redis_version`
   * at create; a newer one is an upgrade of every instance
   * (`POST /v1/crdbs/{guid}/upgrade`, by the creating participant).
   */
  readonly redisVersion?: string;
}

/** Raised by {@link parseDesiredState} for a document this build cannot use. */
export class DesiredStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesiredStateError';
  }
}

/**
 * Parses and checks a desired-state document. Refuses an unknown
 * `schemaVersion` with a message the reconciler can put into its status.
 */
export function parseDesiredState(json: string): DesiredState {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new DesiredStateError(`desired state is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null) {
    throw new DesiredStateError('desired state must be a JSON object');
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version !== DESIRED_STATE_SCHEMA_VERSION) {
    throw new DesiredStateError(
      `desired state schemaVersion ${JSON.stringify(version)} is not supported by this reconciler ` +
      `(it understands ${DESIRED_STATE_SCHEMA_VERSION}); upgrade the reconciler image to match the library that synthesized it`);
  }
  const state = doc as DesiredState;
  for (const key of ['databases', 'remoteClusters', 'activeActiveDatabases'] as const) {
    if (!Array.isArray(state[key])) throw new DesiredStateError(`desired state field "${key}" must be an array`);
  }
  if (typeof state.cluster !== 'object' || state.cluster === null || typeof state.cluster.name !== 'string') {
    throw new DesiredStateError('desired state field "cluster" must be an object with a name');
  }
  return state;
}

/** Serializes a document deterministically (stable key order as written, two-space indent). */
export function serializeDesiredState(state: DesiredState): string {
  return JSON.stringify(state, null, 2);
}
