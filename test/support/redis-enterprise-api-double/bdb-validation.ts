/**
 * Field checks and defaults for BDB objects, following the documented BDB
 * object (types, enums, defaults) and the documented `error_code` values of
 * POST/PUT /v1/bdbs. Checks that need cluster state (ports, names, nodes,
 * memory) live in bdbs.ts.
 *
 * Wrong JSON types and enum values get 400 `invalid_schema` (the code is the
 * double's choice); documented semantic failures get 406 with their code.
 */
import { X509Certificate } from 'node:crypto';
import { notAcceptable, schemaError } from './errors';

/** Fields the server owns; a client may send them back (e.g. a GET round-trip) and they are ignored. */
export const READ_ONLY_BDB_FIELDS: ReadonlySet<string> = new Set([
  'status', 'endpoints', 'action_uid', 'shard_list', 'created_time', 'last_changed_time', 'version',
  'backup_status', 'backup_progress', 'export_status', 'import_status', 'crdt_guid', 'crdt', 'wait_command',
]);

const ENUMS: Record<string, readonly string[]> = {
  type: ['redis', 'memcached'],
  aof_policy: ['appendfsync-every-sec', 'appendfsync-always'],
  eviction_policy: ['volatile-lru', 'volatile-ttl', 'volatile-random', 'allkeys-lru', 'allkeys-random', 'noeviction', 'volatile-lfu', 'allkeys-lfu'],
  tls_mode: ['enabled', 'disabled', 'replica_ssl'],
  shards_placement: ['dense', 'sparse'],
};
const BOOLEANS = ['replication', 'sharding', 'oss_cluster', 'backup', 'default_user', 'rack_aware', 'data_internode_encryption', 'resp3', 'email_alerts'];
const INTEGERS = ['memory_size', 'port', 'shards_count', 'backup_interval', 'backup_interval_offset', 'uid', 'max_connections'];

/** Database names: 1-63 letters, digits and hyphens, starting with a letter and ending with a letter or digit. */
const NAME_RE = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function checkBdbSchema(body: Record<string, unknown>): void {
  for (const key of INTEGERS) {
    if (key in body && !Number.isInteger(body[key])) throw schemaError(`${key} must be an integer`);
  }
  for (const key of BOOLEANS) {
    if (key in body && typeof body[key] !== 'boolean') throw schemaError(`${key} must be a boolean`);
  }
  for (const [key, values] of Object.entries(ENUMS)) {
    if (key in body && !values.includes(body[key] as string)) {
      throw schemaError(`${key} must be one of ${values.join(', ')}`);
    }
  }
  if ('name' in body) {
    if (typeof body.name !== 'string') throw schemaError('name must be a string');
    if (!NAME_RE.test(body.name)) {
      // Name rules are documented for the product; this error code is the double's choice.
      throw notAcceptable('invalid_name',
        'database name must be 1-63 letters, digits or hyphens, start with a letter and end with a letter or digit');
    }
  }
  if ('memory_size' in body && (body.memory_size as number) < 0) throw schemaError('memory_size must be >= 0');
  if ('port' in body && !((body.port as number) >= 1 && (body.port as number) <= 65535)) throw schemaError('port must be 1-65535');
  if ('shards_count' in body && !((body.shards_count as number) >= 1 && (body.shards_count as number) <= 512)) {
    throw schemaError('shards_count must be within 1-512');
  }
  if ('data_persistence' in body && !['disabled', 'snapshot', 'aof'].includes(body.data_persistence as string)) {
    throw notAcceptable('invalid_data_persistence', 'data_persistence must be disabled, snapshot or aof');
  }
  if ('proxy_policy' in body && !['single', 'all-master-shards', 'all-nodes'].includes(body.proxy_policy as string)) {
    throw notAcceptable('invalid_proxy_policy', 'proxy_policy must be single, all-master-shards or all-nodes');
  }
  checkArrayOfObjects(body, 'snapshot_policy', { secs: 'number', writes: 'number' });
  checkArrayOfObjects(body, 'authentication_ssl_client_certs', { client_cert: 'string' });
  checkArrayOfObjects(body, 'module_list', { module_name: 'string' });
  checkArrayOfObjects(body, 'roles_permissions', { role_uid: 'number', redis_acl_uid: 'number' });
  checkArrayOfObjects(body, 'tags', { key: 'string', value: 'string' });
  for (const key of ['backup_location']) {
    if (key in body && (typeof body[key] !== 'object' || body[key] === null || Array.isArray(body[key]))) {
      throw schemaError(`${key} must be an object`);
    }
  }
}

function checkArrayOfObjects(body: Record<string, unknown>, key: string, required: Record<string, 'string' | 'number'>): void {
  if (!(key in body)) return;
  const v = body[key];
  if (!Array.isArray(v)) throw schemaError(`${key} must be an array`);
  for (const item of v) {
    if (typeof item !== 'object' || item === null) throw schemaError(`${key} items must be objects`);
    for (const [field, type] of Object.entries(required)) {
      if (typeof (item as Record<string, unknown>)[field] !== type) throw schemaError(`${key} items need ${field} (${type})`);
    }
  }
}

/** Documented defaults for fields a create request left out. */
export function withBdbDefaults(body: Record<string, unknown>): Record<string, unknown> {
  const type = (body.type as string | undefined) ?? 'redis';
  const sharded = ((body.shards_count as number | undefined) ?? 1) > 1 || body.sharding === true;
  const ossCluster = body.oss_cluster === true;
  return {
    type,
    replication: false,
    sharding: false,
    shards_count: 1,
    shards_placement: 'dense',
    data_persistence: 'disabled',
    aof_policy: 'appendfsync-every-sec',
    snapshot_policy: [],
    eviction_policy: type === 'memcached' ? 'allkeys-lru' : 'volatile-lru',
    tls_mode: 'disabled',
    authentication_ssl_client_certs: [],
    module_list: [],
    // Cluster policy defaults: single for non-sharded, all-master-shards for sharded (and OSS cluster) databases.
    proxy_policy: sharded || ossCluster ? 'all-master-shards' : 'single',
    oss_cluster: false,
    roles_permissions: [],
    backup: false,
    // Documented default 'enabled': certificates, when given, are required.
    enforce_client_authentication: 'enabled',
    authentication_sasl_uname: '',
    tags: [],
    default_user: true,
    rack_aware: false,
    ...body,
  };
}

/** Checks on the complete (merged) configuration that need no cluster state. */
export function checkBdbSemantics(config: Record<string, unknown>, now: number): void {
  if (config.shards_count !== 1 && config.sharding !== true) {
    throw notAcceptable('invalid_sharding', 'shards_count > 1 needs sharding: true');
  }
  if (config.data_persistence === 'snapshot' && !(Array.isArray(config.snapshot_policy) && config.snapshot_policy.length > 0)) {
    throw notAcceptable('invalid_data_persistence', 'snapshot persistence needs a snapshot_policy');
  }
  if (config.oss_cluster === true && (config.proxy_policy === 'single' || config.type === 'memcached')) {
    throw notAcceptable('invalid_oss_cluster_configuration', 'OSS cluster mode needs a Redis database with proxy_policy all-master-shards or all-nodes');
  }
  if (config.type === 'memcached' && (config.module_list as unknown[]).length > 0) {
    throw notAcceptable('memcached_cannot_use_modules', 'a memcached database cannot use modules');
  }
  if (config.backup === true && !Number.isInteger(config.backup_interval)) {
    throw notAcceptable('missing_backup_interval', 'backup is enabled but backup_interval is missing');
  }
  const keys = (config.tags as Array<{ key: string }>).map((t) => t.key);
  if (new Set(keys).size !== keys.length) throw notAcceptable('invalid_bdb_tags', 'tag keys must be unique');
  checkClientCerts(config.authentication_ssl_client_certs as Array<{ client_cert: string }>, now);
}

function checkClientCerts(certs: Array<{ client_cert: string }>, now: number): void {
  const seen = new Set<string>();
  for (const { client_cert } of certs) {
    const normalized = client_cert.trim();
    if (seen.has(normalized)) throw notAcceptable('duplicated_certs', 'an SSL client certificate appears more than once');
    seen.add(normalized);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(normalized);
    } catch {
      throw notAcceptable('invalid_certificate', 'an SSL client certificate is missing or malformed');
    }
    if (Date.parse(cert.validTo) < now) throw notAcceptable('certificate_expired', 'an SSL client certificate has expired');
  }
}

/** Removes read-only fields a client may have echoed back; they never change state. */
export function withoutReadOnly(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY_BDB_FIELDS.has(k)));
}
