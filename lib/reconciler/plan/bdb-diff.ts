/**
 * Compares the fields the reconciler manages with what Redis Enterprise
 * reports, and builds the smallest `PUT /v1/bdbs/{uid}` body that closes the
 * gap. An empty result means "in line: write nothing", which is what keeps the
 * reconciler silent at steady state.
 */
import { Bdb, BdbTag } from '../io/re-types';
import { DEFAULT_SHARD_KEY_REGEX, TAG } from './bdb-spec';

/** Fields sent on create but never compared or updated. */
const CREATE_ONLY = new Set(['name', 'port', 'shard_key_regex', 'backup_location', 'authentication_redis_pass', 'tags']);

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

/** The managed tags merged into the observed ones (tags the user added stay). */
export function mergeTags(observed: BdbTag[] | undefined, managed: BdbTag[]): BdbTag[] {
  const keys = new Set(managed.map((t) => t.key));
  return [...(observed ?? []).filter((t) => !keys.has(t.key)), ...managed];
}

function tagsMatch(observed: BdbTag[] | undefined, managed: BdbTag[]): boolean {
  return managed.every((m) => observed?.some((t) => t.key === m.key && t.value === m.value));
}

export interface BdbDiff {
  /** The PUT body, or undefined when nothing differs. */
  update?: Record<string, unknown>;
  /** Names of the fields that differ (for events and logs; never values). */
  changed: string[];
  /** Declared port differs from the live one: ports are fixed, so this is reported, not changed. */
  portMismatch?: { desired: number; observed: number };
}

export function diffBdb(desired: Record<string, unknown>, observed: Bdb): BdbDiff {
  const update: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (CREATE_ONLY.has(key)) continue;
    if (!matches(value, observed[key])) {
      update[key] = value;
      changed.push(key);
    }
  }
  // Switching sharding on needs hashing rules in the same request.
  if ('sharding' in update && update.sharding === true) update.shard_key_regex = desired.shard_key_regex ?? DEFAULT_SHARD_KEY_REGEX;
  if ('backup' in update && desired.backup_location !== undefined) update.backup_location = desired.backup_location;
  const managedTags = (desired.tags as BdbTag[] | undefined) ?? [];
  if (!tagsMatch(observed.tags, managedTags)) {
    update.tags = mergeTags(observed.tags, managedTags);
    changed.push('tags');
  }
  const result: BdbDiff = { changed };
  if (changed.length > 0) result.update = update;
  const desiredPort = desired.port;
  if (typeof desiredPort === 'number' && typeof observed.port === 'number' && observed.port !== 0 && observed.port !== desiredPort) {
    result.portMismatch = { desired: desiredPort, observed: observed.port };
  }
  return result;
}

/** True when the password Secret changed since it was last applied (compared by resourceVersion tag). */
export function passwordNeedsRotation(observed: Bdb, secretVersion: string | undefined): boolean {
  if (secretVersion === undefined) return false;
  const applied = observed.tags?.find((t) => t.key === TAG.passwordVersion)?.value;
  return applied !== secretVersion;
}
