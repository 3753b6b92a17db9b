/**
 * Where the double follows answers captured from real clusters and the rules
 * of specific Redis Software versions: the documented bdb fields (the field
 * list of a real 8.0 bdb answer plus the documented write-only ones), the
 * Redis 8 bundled modules, the 8.2 tag rules and system tags.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notAcceptable } from './errors';
import type { ApiDoubleSoftwareVersion } from './policy';

const SHAPES = path.join(__dirname, '..', '..', 'fixtures', 'redis-enterprise-rest', 'answer-shapes.json');

/** Field names of a real bdb answer (test/fixtures/redis-enterprise-rest, see its SOURCE.md). */
function realBdbFields(): string[] {
  const shapes = JSON.parse(fs.readFileSync(SHAPES, 'utf8')) as Record<string, Record<string, Record<string, string>>>;
  return Object.keys(shapes['GET /v1/bdbs/{uid}']['']);
}

/**
 * Fields of the documented bdb object ("objects/bdb") that the captured answer
 * lacks because that database did not use them, or that are write-only.
 */
const DOCUMENTED_EXTRA_FIELDS = [
  'uid', 'tags', 'backup_location', 'enforce_client_authentication', 'authentication_redis_pass', 'authentication_sasl_uname',
  'authentication_sasl_pass', 'roles_permissions', 'rack_aware', 'search', 'timeseries', 'probabilistic', 'replica_sources',
  'replica_sync', 'crdt_sources', 'sync_sources', 'avoid_nodes', 'dry_run', 'action_uid', 'oss_sharding', 'bigstore_ram_size',
  'snapshot_policy', 'shard_key_regex', 'shards_placement', 'data_internode_encryption', 'backup_interval_offset', 'crdt_guid',
];

let documented: Set<string> | undefined;

export function undocumentedBdbFields(body: Record<string, unknown>): string[] {
  documented ??= new Set([...realBdbFields(), ...DOCUMENTED_EXTRA_FIELDS]);
  return Object.keys(body).filter((k) => !documented!.has(k)).sort();
}

export function withoutUndocumented(body: Record<string, unknown>): Record<string, unknown> {
  const drop = new Set(undocumentedBdbFields(body));
  return Object.fromEntries(Object.entries(body).filter(([k]) => !drop.has(k)));
}

/** As a real Redis 8 bdb lists them (name, args '', id, semantic version). */
const BUNDLED = [
  { module_name: 'search', semantic_version: '8.0.1' },
  { module_name: 'ReJSON', semantic_version: '8.0.1' },
  { module_name: 'timeseries', semantic_version: '8.0.2' },
  { module_name: 'bf', semantic_version: '8.0.1' },
];

/**
 * Redis 8 databases enable the bundled modules automatically ("Enable a
 * module for a database"): all four on RAM-only databases, search and JSON on
 * new Active-Active ones.
 */
export function bundledModules(declared: Array<Record<string, unknown>> | undefined, activeActive = false): Array<Record<string, unknown>> {
  const out = [...(declared ?? [])];
  for (const b of BUNDLED.filter((m) => !activeActive || m.module_name === 'search' || m.module_name === 'ReJSON')) {
    if (!out.some((m) => String(m.module_name).toLowerCase() === b.module_name.toLowerCase())) {
      out.push({ module_args: '', module_id: `double-${b.module_name}`, ...b });
    }
  }
  return out;
}

/** System tag keys ("such as `redis`, `cluster`, and `db`"). */
const SYSTEM_TAG_KEYS = ['redis', 'cluster', 'db'];
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const VALUE_RE = /^[A-Za-z0-9 ._+\-@:/]{1,128}$/;
const MAX_TAGS = 30;

/**
 * Tag validation rules of 8.2 ("Manage database tags"). An unchanged legacy
 * tag (same key and value as stored) passes; `isSystem` sent by a client is
 * ignored, a system key is refused. On 8.0 only unique keys are checked (in
 * checkBdbSemantics).
 */
export function checkTags(tags: unknown, version: ApiDoubleSoftwareVersion, stored: Array<{ key: string; value: string }> = []): void {
  if (version !== '8.2' || !Array.isArray(tags)) return;
  let counted = 0;
  for (const t of tags as Array<{ key: string; value: string }>) {
    if (SYSTEM_TAG_KEYS.includes(t.key)) throw notAcceptable('invalid_bdb_tags', `tag key "${t.key}" is a system tag and cannot be set`);
    const legacy = stored.some((s) => s.key === t.key && s.value === t.value);
    if (legacy && !(KEY_RE.test(t.key) && VALUE_RE.test(t.value))) continue;
    if (!KEY_RE.test(t.key)) {
      throw notAcceptable('invalid_bdb_tags', `tag key "${t.key}" must start with a letter or underscore and hold only letters, digits and underscores (at most 64)`);
    }
    if (!VALUE_RE.test(t.value) || !t.value.trim()) {
      throw notAcceptable('invalid_bdb_tags', `tag "${t.key}": the value must be 1-128 letters, digits, spaces or . _ + - @ : /`);
    }
    counted++;
  }
  if (counted > MAX_TAGS) throw notAcceptable('invalid_bdb_tags', `a database can have at most ${MAX_TAGS} tags`);
}

/**
 * The system tag an 8.2 answer carries. Which system tags a real database has,
 * and their values, is not documented: this one (`db` = the uid) is the double's.
 */
export function systemTags(version: ApiDoubleSoftwareVersion, uid: number): Array<{ key: string; value: string; isSystem: true }> {
  return version === '8.2' ? [{ key: 'db', value: String(uid), isSystem: true }] : [];
}
