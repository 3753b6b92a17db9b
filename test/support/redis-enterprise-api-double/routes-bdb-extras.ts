/**
 * The database requests besides the bdb object itself that the reconciler
 * calls: alerts (`/v1/bdbs/alerts/{uid}`), passwords
 * (`/v1/bdbs/{uid}/passwords`: PUT, POST, DELETE), the upgrade (`/v1/bdbs/{uid}/upgrade`), and the role and Redis ACL lists it resolves
 * `roles_permissions` with (`/v1/roles`, `/v1/redis_acls`), and database
 * recovery (`/v1/bdbs/{uid}/actions/recover`).
 */
import { ApiError, notFound, schemaError } from './errors';
import { Route, intParam, objectBody, ok } from './router';
import type { ApiDoubleCluster } from './cluster-state';
import type { BdbRecord } from './types';
import { BDB_PASSWORD_ERRORS, PasswordList } from './passwords';

/** Database alert names ("Database alerts settings object"). */
export const BDB_ALERT_NAMES = [
  'bdb_backup_delayed', 'bdb_crdt_src_high_syncer_lag', 'bdb_crdt_src_syncer_connection_error', 'bdb_crdt_src_syncer_general_error',
  'bdb_high_latency', 'bdb_high_syncer_lag', 'bdb_high_throughput', 'bdb_long_running_action', 'bdb_low_throughput',
  'bdb_ram_dataset_overhead', 'bdb_ram_values', 'bdb_replica_src_high_syncer_lag', 'bdb_replica_src_syncer_connection_error',
  'bdb_shard_num_ram_values', 'bdb_size',
];

/** Default roles and Redis ACLs of a new cluster (the double's fixed lists; uids are the double's). */
const ROLES = [
  { uid: 1, name: 'Admin', management: 'admin' }, { uid: 2, name: 'Cluster Member', management: 'cluster_member' },
  { uid: 3, name: 'Cluster Viewer', management: 'cluster_viewer' }, { uid: 4, name: 'DB Member', management: 'db_member' },
  { uid: 5, name: 'DB Viewer', management: 'db_viewer' },
];
const REDIS_ACLS = [
  { uid: 1, name: 'Full Access', acl: '+@all ~*' }, { uid: 2, name: 'Read Only', acl: '+@read ~*' },
  { uid: 3, name: 'Not Dangerous', acl: '+@all -@dangerous ~*' },
];

function bdbOf(c: ApiDoubleCluster, uid: string): BdbRecord {
  const rec = c.bdbs.get(intParam(uid));
  if (!rec) throw notFound(`database ${uid}`);
  return rec;
}

/**
 * The default user's password list, started from `authentication_redis_pass`
 * on first use. PUT "sets a single password", POST adds, DELETE removes.
 */
export function bdbPasswords(c: ApiDoubleCluster, rec: BdbRecord): PasswordList {
  const initial = typeof rec.config.authentication_redis_pass === 'string' && rec.config.authentication_redis_pass !== '' ? [rec.config.authentication_redis_pass] : [];
  rec.passwords ??= new PasswordList(initial, () => c.now(), BDB_PASSWORD_ERRORS);
  return rec.passwords;
}

/** The alert object of GET: every database alert, disabled unless set. */
function alertsJson(rec: BdbRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of BDB_ALERT_NAMES) {
    const set = rec.alerts?.[name];
    out[name] = { enabled: set?.enabled ?? false, state: false, threshold: set?.threshold ?? '', severity: 'WARNING', change_time: '', change_value: {} };
  }
  return out;
}

function setAlerts(rec: BdbRecord, body: Record<string, unknown>): void {
  const next = { ...(rec.alerts ?? {}) };
  for (const [name, value] of Object.entries(body)) {
    if (!BDB_ALERT_NAMES.includes(name)) throw new ApiError(406, 'invalid_configuration', `"${name}" is not a database alert`);
    const v = value as { enabled?: unknown; threshold?: unknown };
    if (typeof v !== 'object' || v === null || typeof v.enabled !== 'boolean') throw schemaError(`${name} needs enabled (boolean)`);
    if (v.threshold !== undefined && typeof v.threshold !== 'string') throw schemaError(`${name}.threshold must be a string`);
    next[name] = { enabled: v.enabled, ...(v.threshold !== undefined ? { threshold: v.threshold } : {}) };
  }
  rec.alerts = next;
}

export const bdbExtraRoutes: Route[] = [
  // requests/bdbs/actions/recover: the recovery plan, and the recovery itself (an empty body: automatic).
  { method: 'GET', pattern: /^\/v1\/bdbs\/(\d+)\/actions\/recover$/, access: 'cluster', handle: (ctx, c) => ok(c.bdbs.recoveryPlanJson(intParam(ctx.params[0]))) },
  {
    method: 'POST', pattern: /^\/v1\/bdbs\/(\d+)\/actions\/recover$/, access: 'cluster',
    handle: (ctx, c) => {
      if (ctx.body !== undefined && (typeof ctx.body !== 'object' || ctx.body === null || Object.keys(ctx.body).length > 0)) {
        // A recovery plan in the body (data_files, ignore_errors, recover_without_data) is documented but not modelled.
        throw new ApiError(400, 'unsupported_recovery_plan', 'this test double recovers with an empty body only (automatic recovery)');
      }
      return ok({ action_uid: c.bdbs.recover(intParam(ctx.params[0])).actionUid });
    },
  },
  { method: 'GET', pattern: /^\/v1\/bdbs\/alerts\/(\d+)$/, access: 'cluster', handle: (ctx, c) => ok(alertsJson(bdbOf(c, ctx.params[0]))) },
  {
    method: 'POST', pattern: /^\/v1\/bdbs\/alerts\/(\d+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const rec = bdbOf(c, ctx.params[0]);
      const body = objectBody(ctx);
      if (ctx.query.has('dry_run')) {
        setAlerts({ ...rec }, body);
        return ok(alertsJson(rec));
      }
      setAlerts(rec, body);
      return ok(alertsJson(rec));
    },
  },
  ...(['PUT', 'POST', 'DELETE'] as const).map((method): Route => ({
    method, pattern: /^\/v1\/bdbs\/(\d+)\/passwords$/, access: 'cluster',
    handle: (ctx, c) => {
      const rec = bdbOf(c, ctx.params[0]);
      const body = objectBody(ctx);
      if (typeof body.password !== 'string' || body.password === '') throw schemaError('password must be a non-empty string');
      const list = bdbPasswords(c, rec);
      if (method === 'PUT') list.replace(body.password, false);
      else if (method === 'POST') list.add(body.password);
      else list.delete(body.password);
      return ok();
    },
  })),
  {
    method: 'POST', pattern: /^\/v1\/bdbs\/(\d+)\/upgrade$/, access: 'cluster',
    // Documented: 200 and the BDB, whose action_uid follows the upgrade.
    handle: (ctx, c) => ok(c.bdbs.json(c.bdbs.upgrade(intParam(ctx.params[0]), objectBody(ctx)))),
  },
  { method: 'GET', pattern: /^\/v1\/roles$/, access: 'cluster', handle: () => ok(ROLES) },
  { method: 'GET', pattern: /^\/v1\/redis_acls$/, access: 'cluster', handle: () => ok(REDIS_ACLS) },
];
