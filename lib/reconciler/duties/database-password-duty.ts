/**
 * Applies a changed database password Secret (plan/database-password.ts):
 * one password request per step, the tags that remember the step going out
 * with the pass's one bdb update. Reports the rotation as the
 * CredentialRotation operation while no other credential rotation holds
 * that entry (one entry per kind), and always in the database's status.
 */
import { DesiredDatabase } from '../../contract/desired-state';
import { DutyContext } from '../runtime/context';
import { Bdb } from '../io/re-types';
import { DatabaseCredentials, ownedTagValue, passwordFields } from '../plan/bdb-spec';
import { addedTag, passwordStep } from '../plan/database-password';
import { OperationLog, isEnded } from '../plan/operations';
import { ReApiError } from '../io/re-api';

export interface PasswordOutcome {
  /** Tag values for this pass's bdb update. */
  passwordVersion?: string;
  passwordAdded?: string;
  /** Fields for the bdb update (memcached SASL credentials). */
  fields: Record<string, unknown>;
  wrote: boolean;
  /** When to look again (the end of the grace period). */
  retryAfterMs?: number;
  /** For the database's status while both passwords are valid. */
  message?: string;
}

const KIND = 'CredentialRotation';

function report(operations: OperationLog, target: string, set: (log: OperationLog) => void): void {
  const current = operations.get(KIND);
  // Another rotation (the admin password, another database) holds the entry: this one is in the database status only.
  if (current && !isEnded(current) && current.target !== target) return;
  set(operations);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function applyDatabasePassword(
  ctx: DutyContext, db: DesiredDatabase, live: Bdb, password: { creds: DatabaseCredentials; version: string }, operations: OperationLog,
): Promise<PasswordOutcome> {
  const applied = ownedTagValue(live.tags, 'passwordVersion');
  const kept: PasswordOutcome = { passwordVersion: applied, passwordAdded: ownedTagValue(live.tags, 'passwordAdded'), fields: {}, wrote: false };
  if (password.creds.password === '') return kept;
  const now = Date.now();
  // Memcached has a single SASL password (bdb fields): no second one to keep during a grace period.
  const step = passwordStep(live, password.version, now, db.type === 'memcached' ? 0 : ctx.config.databasePasswordGraceMs);
  if (step.action === 'none') return kept;
  const target = `database ${db.name} password (Secret ${db.passwordSecretName} rv ${applied ?? 'unknown'} -> ${password.version})`;
  if (step.action === 'wait') {
    const message = `the new and the previous password are both valid until ${isoSeconds(step.until)}`;
    report(operations, target, (log) => log.running(KIND, target, message, db.name));
    return { ...kept, retryAfterMs: step.remainingMs, message };
  }
  if (step.action === 'add') {
    try {
      await ctx.re.addBdbPassword(live.uid!, password.creds.password);
    } catch (e) {
      // 406 is documented for invalid parameters; a password the list already has (an earlier pass added it) is one.
      if (!(e instanceof ReApiError && e.status === 406)) throw e;
    }
    const until = now + ctx.config.databasePasswordGraceMs;
    const message = `the new and the previous password are both valid until ${isoSeconds(until)}`;
    report(operations, target, (log) => log.running(KIND, target, message, db.name));
    ctx.log.info('database password added beside the previous one', { database: db.name, version: password.version });
    return { passwordVersion: applied, passwordAdded: addedTag(password.version, now), fields: {}, wrote: true, retryAfterMs: ctx.config.databasePasswordGraceMs, message };
  }
  let fields: Record<string, unknown> = {};
  if (db.type === 'memcached') fields = passwordFields(db, password.creds);
  else await ctx.re.setBdbPassword(live.uid!, password.creds.password);
  report(operations, target, (log) => log.succeeded(KIND, target, 'the new password is the only valid one'));
  ctx.log.info('database password applied from its Secret', { database: db.name, version: password.version });
  return { passwordVersion: password.version, fields, wrote: true };
}
