/**
 * Active-Active: the CRDB request bodies for `/v1/crdbs` from the desired
 * Active-Active database and its remote-cluster entries (pure).
 */
import { DesiredActiveActiveDatabase, DesiredRemoteCluster } from '../../contract/desired-state';
import { Crdb, CrdbInstance } from '../io/re-types';
import { ResolvedReferences, databaseSettingsFields } from './bdb-spec';
import { matches } from './bdb-diff';

export interface Credentials { username: string; password: string }

/** Redis Enterprise cluster name of a participant: the FQDN it was bootstrapped with. */
export function participantClusterName(r: DesiredRemoteCluster): string {
  return `${r.recName}.${r.recNamespace}.svc.cluster.local`;
}

export function crdbInstance(db: DesiredActiveActiveDatabase, r: DesiredRemoteCluster, credentials: Credentials): CrdbInstance {
  const endpoint = `${db.name}${r.dbFqdnSuffix}`;
  return {
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
  const config = databaseSettingsFields(db.name, db, refs);
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
    default_db_config: defaultDbConfig(db, refs, password),
    instances: participants(db, remotes).map((r) => crdbInstance(db, r, credentials.get(r.name)!)),
  };
}

export interface CrdbPlan {
  /** `PATCH /v1/crdbs/{guid}` body, when the shared configuration differs. */
  patch?: Partial<Crdb>;
  addInstances: DesiredRemoteCluster[];
  removeInstanceIds: number[];
  changed: string[];
}

const NOT_COMPARED = new Set(['name', 'port', 'shard_key_regex', 'backup_location', 'authentication_redis_pass']);

export function planCrdb(db: DesiredActiveActiveDatabase, remotes: DesiredRemoteCluster[], observed: Crdb, refs: ResolvedReferences): CrdbPlan {
  const desired = defaultDbConfig(db, refs);
  const live = observed.default_db_config ?? {};
  const diff: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const [k, v] of Object.entries(desired)) {
    if (NOT_COMPARED.has(k)) continue;
    if (!matches(v, live[k])) {
      diff[k] = v;
      changed.push(k);
    }
  }
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
