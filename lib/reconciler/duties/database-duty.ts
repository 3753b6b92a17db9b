/**
 * Makes the plain databases of the desired state exist in Redis Enterprise
 * with exactly the declared settings; reports and keeps (or, by its recorded
 * deletion policy, deletes) a managed database that left the desired state.
 * Each database is handled on its own: one failing does not stop the others.
 */
import { DesiredDatabase, DesiredState } from '../../contract/desired-state';
import { waitForAction } from '../runtime/async-tasks';
import { DatabaseCredentials, createBdbBody, desiredBdbFields, isManaged, ownedTagValue } from '../plan/bdb-spec';
import { alertsToSet, desiredAlerts } from '../plan/alert-settings';
import { diffBdb } from '../plan/bdb-diff';
import { applyDatabasePassword } from './database-password-duty';
import { OperationLog } from '../plan/operations';
import { DutyContext } from '../runtime/context';
import { InvolvedObject } from '../io/events';
import { errorMessage } from '../runtime/logger';
import { mapPool } from '../runtime/pool';
import { Bdb } from '../io/re-types';
import { RoleDirectory, resolveReferences } from '../plan/references';
import { readSecretKey } from './secret-duty';
import { DatabaseStatus } from '../plan/status';

/** Parallel REST work per reconcile: enough for 1,000 databases, gentle on one node's API. */
export const DATABASE_CONCURRENCY = 8;

export interface DatabaseOutcome {
  status: DatabaseStatus;
  /** The live BDB after this pass, when it exists (for EndpointSlices). */
  bdb?: Bdb;
  error?: string;
  /** True when this pass wrote to Redis Enterprise (the caller re-reads the BDBs). */
  wrote?: boolean;
  /** Deleted in this pass (not reported in the status). */
  deleted?: boolean;
  /** Look again then (a password rotation's grace period ends). */
  retryAfterMs?: number;
}

function statusOf(db: { name: string }, bdb: Bdb | undefined, declared: boolean, message?: string): DatabaseStatus {
  const s: DatabaseStatus = {
    name: db.name,
    status: bdb?.status ?? 'missing',
    endpoints: (bdb?.endpoints ?? []).map((e) => ({ dnsName: e.dns_name, port: e.port, pods: [] })),
    declared,
  };
  if (bdb?.uid !== undefined) s.uid = bdb.uid;
  if (bdb?.port !== undefined) s.port = bdb.port;
  if (message) s.message = message;
  return s;
}

/**
 * Sets the declared alerts that differ from the live ones. Only databases
 * that declare alerts read them, so the others cost no request.
 */
async function reconcileAlerts(ctx: DutyContext, db: DesiredDatabase, uid: number): Promise<boolean> {
  if (db.alertSettings.length === 0) return false;
  const toSet = alertsToSet(desiredAlerts(db.alertSettings), await ctx.re.getBdbAlerts(uid));
  if (Object.keys(toSet).length === 0) return false;
  await ctx.re.setBdbAlerts(uid, toSet);
  ctx.log.info('database alerts set', { database: db.name, alerts: Object.keys(toSet) });
  return true;
}

/** The password Secret: `password`, and for memcached an optional SASL `username` (default: the database name). */
async function readCredentials(ctx: DutyContext, db: DesiredDatabase): Promise<{ creds: DatabaseCredentials; version: string }> {
  const password = await readSecretKey(ctx, db.passwordSecretName, 'password');
  if (!password) throw new Error(`password Secret ${db.passwordSecretName} is missing or has no key "password"`);
  const username = db.type === 'memcached' ? (await readSecretKey(ctx, db.passwordSecretName, 'username'))?.value : undefined;
  return { creds: { password: password.value, ...(username !== undefined ? { username } : {}) }, version: password.version };
}

async function reconcileOne(
  ctx: DutyContext, db: DesiredDatabase, live: Bdb | undefined, roles: RoleDirectory, subject: InvolvedObject, rackAware: boolean, operations: OperationLog,
): Promise<DatabaseOutcome> {
  const ns = ctx.config.namespace;
  try {
    const refs = await resolveReferences(ctx, db, roles, rackAware);
    const password = await readCredentials(ctx, db);
    if (!live) {
      const created = await ctx.re.createBdb(createBdbBody(db, ns, refs, password.creds, password.version));
      if (created.action_uid) await waitForAction(ctx.re, created.action_uid, ctx.poll);
      if (created.uid !== undefined) await reconcileAlerts(ctx, db, created.uid);
      await ctx.events.record(subject, 'Normal', 'DatabaseCreated', `database ${db.name} created on port ${db.port}`);
      ctx.log.info('database created', { database: db.name, uid: created.uid });
      return { status: statusOf(db, created, true), bdb: created, wrote: true };
    }
    const pw = await applyDatabasePassword(ctx, db, live, password, operations);
    let wrote = pw.wrote;
    const diff = diffBdb(desiredBdbFields(db, ns, refs, pw.passwordVersion, pw.passwordAdded), live);
    if (Object.keys(pw.fields).length > 0) {
      diff.update = { ...(diff.update ?? {}), ...pw.fields };
      diff.changed.push('credentials');
    }
    let current = live;
    if (await reconcileAlerts(ctx, db, live.uid!)) wrote = true;
    if (diff.update) {
      wrote = true;
      const updated = await ctx.re.updateBdb(live.uid!, diff.update);
      if (updated?.action_uid) await waitForAction(ctx.re, updated.action_uid, ctx.poll);
      current = { ...live, ...diff.update, ...(updated ?? {}) } as Bdb;
      const fields = diff.changed.filter((f) => f !== 'tags' && f !== 'credentials');
      if (fields.length > 0) {
        await ctx.events.record(subject, 'Normal', 'DatabaseUpdated', `database ${db.name} updated: ${fields.join(', ')}`);
        ctx.log.info('database updated', { database: db.name, fields });
      }
    }
    let message: string | undefined;
    const rotating = pw.message;
    if (diff.portMismatch) {
      message = `database ${db.name} listens on port ${diff.portMismatch.observed}, declared ${diff.portMismatch.desired}; ports cannot change, recreate the database to move it`;
      await ctx.events.record(subject, 'Warning', 'DatabasePortMismatch', message);
    }
    if (diff.missingModules.length > 0) {
      const modules = `database ${db.name} lacks module(s) ${diff.missingModules.join(', ')}; modules can only be chosen when a database is created, recreate it to add them`;
      await ctx.events.record(subject, 'Warning', 'DatabaseModulesMismatch', modules);
      message = message ? `${message}; ${modules}` : modules;
    }
    const status = statusOf(db, current, true, message);
    if (rotating) status.passwordRotation = rotating;
    return { status, bdb: current, error: message, wrote, retryAfterMs: pw.retryAfterMs };
  } catch (e) {
    const message = `database ${db.name}: ${errorMessage(e)}`;
    await ctx.events.record(subject, 'Warning', 'DatabaseReconcileFailed', message);
    ctx.log.warn('database reconcile failed', { database: db.name, error: errorMessage(e) });
    return { status: statusOf(db, live, true, message), bdb: live, error: message };
  }
}

async function handleUndeclared(ctx: DutyContext, bdb: Bdb, subject: InvolvedObject): Promise<DatabaseOutcome> {
  const policy = ownedTagValue(bdb.tags, 'deletionPolicy');
  if (policy === 'delete') {
    try {
      await ctx.re.deleteBdb(bdb.uid!);
      await ctx.events.record(subject, 'Normal', 'DatabaseDeleted', `database ${bdb.name} left the desired state and was deleted (deletion policy delete)`);
      ctx.log.info('database deleted by its deletion policy', { database: bdb.name, uid: bdb.uid });
      return { status: statusOf(bdb, undefined, false, 'deleted'), wrote: true, deleted: true };
    } catch (e) {
      const message = `database ${bdb.name}: delete failed: ${errorMessage(e)}`;
      return { status: statusOf(bdb, bdb, false, message), bdb, error: message };
    }
  }
  const message = `database ${bdb.name} is no longer declared; kept (deletion policy retain)`;
  await ctx.events.record(subject, 'Normal', 'DatabaseRetained', message);
  return { status: statusOf(bdb, bdb, false, message), bdb };
}

export async function reconcileDatabases(ctx: DutyContext, state: DesiredState, liveBdbs: Bdb[], subject: InvolvedObject, operations: OperationLog): Promise<DatabaseOutcome[]> {
  const byName = new Map(liveBdbs.map((b) => [b.name, b]));
  const roles = new RoleDirectory(ctx);
  const rackAware = state.cluster.rackAwarenessNodeLabel !== undefined;
  const declared = await mapPool(state.databases, DATABASE_CONCURRENCY, (db) => reconcileOne(ctx, db, byName.get(db.name), roles, subject, rackAware, operations));
  const declaredNames = new Set([...state.databases, ...state.activeActiveDatabases].map((d) => d.name));
  const undeclared = liveBdbs.filter((b) => !declaredNames.has(b.name) && isManaged(b, ctx.config.namespace) && !b.crdt);
  const rest = await mapPool(undeclared, DATABASE_CONCURRENCY, (b) => handleUndeclared(ctx, b, subject));
  return [...declared, ...rest];
}
