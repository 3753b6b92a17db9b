/**
 * Which declared databases run an older Redis version than their
 * `redisVersion`, and which a newer one. Pure: the duty
 * (duties/database-upgrade-duty.ts) sends the upgrade requests.
 */
import { compareRedisVersions, redisMajorMinor } from '../../contract/redis-software';
import { Bdb } from '../io/re-types';

export interface VersionChange {
  readonly database: string;
  readonly uid: number;
  /** The `major.minor` the database runs. */
  readonly from: string;
  /** The declared `major.minor`. */
  readonly to: string;
  /** The OperationLog target: `<db> redis <from> -> <to>`. */
  readonly target: string;
  /** For an Active-Active database: its CRDB, which upgrades every instance. */
  readonly crdbGuid?: string;
}

/** What the planner reads of a declared database, plain or Active-Active. */
export interface VersionedDatabase {
  readonly name: string;
  readonly type: string;
  readonly redisVersion?: string;
}

export interface VersionPlan {
  /** Databases to upgrade, in the desired state's (name) order. */
  readonly upgrades: VersionChange[];
  /** Databases declared older than they run: Redis Software has no downgrade, so these are reported, never sent. */
  readonly downgrades: VersionChange[];
}

export function upgradeTarget(database: string, from: string, to: string): string {
  return `${database} redis ${from} -> ${to}`;
}

/** The database of an upgrade target when it now runs the target's version, else undefined. */
export function targetReached(target: string, live: readonly Bdb[]): string | undefined {
  const m = /^(\S+) redis \S+ -> (\S+)$/.exec(target);
  if (!m) return undefined;
  const bdb = live.find((b) => b.name === m[1]);
  return bdb && redisMajorMinor(bdb.redis_version) === m[2] ? m[1] : undefined;
}

/**
 * Only active databases are compared: one being created, changed or deleted
 * is looked at again in a later pass. A database whose version the cluster
 * does not report cannot be compared and is left alone. `activeActive`:
 * the declarations are Active-Active databases, compared with this
 * cluster's instance (the local CRDT database).
 */
export function planVersionChanges(databases: readonly VersionedDatabase[], live: readonly Bdb[], activeActive = false): VersionPlan {
  const byName = new Map(live.filter((b) => (b.crdt === true) === activeActive).map((b) => [b.name, b]));
  const upgrades: VersionChange[] = [];
  const downgrades: VersionChange[] = [];
  for (const db of databases) {
    const bdb = byName.get(db.name);
    const from = redisMajorMinor(bdb?.redis_version);
    if (db.redisVersion === undefined || db.type !== 'redis' || bdb?.uid === undefined || bdb.status !== 'active' || from === undefined) continue;
    if (activeActive && !bdb.crdt_guid) continue;
    const order = compareRedisVersions(db.redisVersion, from);
    if (order === 0) continue;
    const change: VersionChange = {
      database: db.name, uid: bdb.uid, from, to: db.redisVersion, target: upgradeTarget(db.name, from, db.redisVersion),
      ...(activeActive ? { crdbGuid: bdb.crdt_guid } : {}),
    };
    (order > 0 ? upgrades : downgrades).push(change);
  }
  return { upgrades, downgrades };
}
