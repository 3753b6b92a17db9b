/**
 * Compares the fields the reconciler manages with what Redis Enterprise
 * reports, and builds the smallest `PUT /v1/bdbs/{uid}` body that closes the
 * gap. An empty result means "in line: write nothing", which is what keeps the
 * reconciler silent at steady state.
 */
import { Bdb, BdbTag } from '../io/re-types';
import { bundledModuleName } from '../../contract/redis-software';
import { DEFAULT_SHARD_KEY_REGEX, LEGACY_TAG, TAG, isSystemTag, ownedTagValue } from './bdb-spec';

/**
 * Fields sent on create but never compared or updated: the port is fixed,
 * modules can only be chosen at create ("You cannot add modules to an
 * existing database"), and Redis 8 lists its bundled modules besides the
 * declared ones; backup_location is applied by its version tag, passwords by
 * theirs; tags are merged on their own.
 */
const CREATE_ONLY = new Set([
  'name', 'port', 'shard_key_regex', 'backup_location', 'module_list', 'authentication_redis_pass', 'authentication_sasl_pass', 'tags',
]);
const LEGACY_KEYS = new Set(Object.values(LEGACY_TAG));
/** Tags this reconciler owns only while they mean something: dropped when the managed set leaves them out. */
const TRANSIENT_KEYS = new Set<string>([TAG.passwordAdded]);

function isEmptyValue(v: unknown): boolean {
  if (v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function normalizePem(v: unknown): unknown {
  return typeof v === 'string' && v.includes('-----BEGIN') ? v.trim() : v;
}

/**
 * True when `observed` has every value of `desired`. Extra observed fields
 * (defaults Redis Enterprise adds, read-only fields) do not count; array
 * order does not count (Redis Enterprise does not promise to keep it); an
 * absent observed field matches an "empty" desired value (false, [], {}).
 */
export function matches(desired: unknown, observed: unknown): boolean {
  if (observed === undefined || observed === null) return desired === undefined || desired === null || isEmptyValue(desired);
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed) || observed.length !== desired.length) return false;
    const unused = [...observed];
    for (const d of desired) {
      const i = unused.findIndex((o) => matches(d, o));
      if (i < 0) return false;
      unused.splice(i, 1);
    }
    return true;
  }
  if (desired !== null && typeof desired === 'object') {
    if (typeof observed !== 'object' || Array.isArray(observed)) return false;
    const o = observed as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => matches(v, o[k]));
  }
  if (typeof desired === 'number' && typeof observed === 'string') return Number(observed) === desired;
  return normalizePem(desired) === normalizePem(observed);
}

/**
 * The managed tags merged into the observed ones: tags the user added stay
 * unchanged (an unchanged legacy tag is allowed on 8.2), system tags are never
 * sent (refused on write, kept when left out), keys earlier builds owned are dropped.
 */
export function mergeTags(observed: BdbTag[] | undefined, managed: BdbTag[]): BdbTag[] {
  const keys = new Set(managed.map((t) => t.key));
  const kept = (observed ?? []).filter((t) => !keys.has(t.key) && !isSystemTag(t) && !LEGACY_KEYS.has(t.key) && !TRANSIENT_KEYS.has(t.key));
  return [...kept.map((t) => ({ key: t.key, value: t.value })), ...managed];
}

function tagsMatch(observed: BdbTag[] | undefined, managed: BdbTag[]): boolean {
  if (observed?.some((t) => LEGACY_KEYS.has(t.key))) return false;
  if (observed?.some((t) => TRANSIENT_KEYS.has(t.key) && !managed.some((m) => m.key === t.key))) return false;
  return managed.every((m) => observed?.some((t) => t.key === m.key && t.value === m.value));
}

/**
 * Declared modules the live database does not have. They cannot be added
 * any more (modules are chosen at create), so this is reported, never sent.
 */
export function missingModules(desired: unknown, observed: Bdb): string[] {
  const have = new Set((observed.module_list ?? []).map((m) => bundledModuleName(String(m.module_name)) ?? String(m.module_name)));
  return (Array.isArray(desired) ? desired as Array<{ module_name: string }> : [])
    .map((m) => m.module_name)
    .filter((name) => !have.has(bundledModuleName(name) ?? name));
}

export interface BdbDiff {
  /** The PUT body, or undefined when nothing differs. */
  update?: Record<string, unknown>;
  /** Names of the fields that differ (for events and logs; never values). */
  changed: string[];
  /** Declared port differs from the live one: ports are fixed, so this is reported, not changed. */
  portMismatch?: { desired: number; observed: number };
  /** Declared modules the database lacks: modules are fixed at create, so this is reported, not changed. */
  missingModules: string[];
}

/** The declared fields whose live value differs (by {@link matches}), skipping `skip`: the update body and its keys. */
export function changedFields(desired: Record<string, unknown>, observed: Record<string, unknown>, skip: ReadonlySet<string>): { update: Record<string, unknown>; changed: string[] } {
  const update: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (skip.has(key) || matches(value, observed[key])) continue;
    update[key] = value;
    changed.push(key);
  }
  return { update, changed };
}

export function diffBdb(desired: Record<string, unknown>, observed: Bdb): BdbDiff {
  const { update, changed } = changedFields(desired, observed as unknown as Record<string, unknown>, CREATE_ONLY);
  // Switching sharding on needs hashing rules in the same request.
  if ('sharding' in update && update.sharding === true) update.shard_key_regex = desired.shard_key_regex ?? DEFAULT_SHARD_KEY_REGEX;
  const managedTags = (desired.tags as BdbTag[] | undefined) ?? [];
  // A changed backup declaration (or credentials Secret) shows as a changed version tag:
  // the location is compared by that tag because the cluster need not echo its credentials.
  const backupVersion = managedTags.find((t) => t.key === TAG.backupVersion)?.value;
  if (desired.backup_location !== undefined && ('backup' in update || ownedTagValue(observed.tags, 'backupVersion') !== backupVersion)) {
    update.backup_location = desired.backup_location;
    changed.push('backup_location');
  }
  if (!tagsMatch(observed.tags, managedTags)) {
    update.tags = mergeTags(observed.tags, managedTags);
    changed.push('tags');
  }
  const result: BdbDiff = { changed, missingModules: missingModules(desired.module_list, observed) };
  if (changed.length > 0) result.update = update;
  const desiredPort = desired.port;
  if (typeof desiredPort === 'number' && typeof observed.port === 'number' && observed.port !== 0 && observed.port !== desiredPort) {
    result.portMismatch = { desired: desiredPort, observed: observed.port };
  }
  return result;
}
