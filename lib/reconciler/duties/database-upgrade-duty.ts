/**
 * Upgrades the Redis version of declared databases that run an older one
 * than their `redisVersion`: `POST /v1/bdbs/{uid}/upgrade` (the documented
 * request; `redis_version` is never PUT), followed as an action until it
 * ends. One database at a time, in name order, each waited for before the
 * next (an upgrade restarts the database's shards); a refused or failed one
 * stops the sequence (kind `DatabaseUpgrade` Failed, with the reason) until
 * the declaration changes.
 * Progress goes to the OperationLog; Events and metrics follow from it.
 */
import { DesiredState } from '../../contract/desired-state';
import { AsyncTaskError, waitForAction, waitForCrdbTask } from '../runtime/async-tasks';
import { DutyContext } from '../runtime/context';
import { errorMessage } from '../runtime/logger';
import { ReApiError } from '../io/re-api';
import { Bdb } from '../io/re-types';
import { OperationLog } from '../plan/operations';
import { isCrdbCreator } from '../plan/crdb-spec';
import { VersionChange, planVersionChanges, targetReached } from '../plan/database-upgrades';

const KIND = 'DatabaseUpgrade';

export interface UpgradeOutcome {
  /** An upgrade request was accepted in this pass (the caller re-reads the BDBs). */
  wrote: boolean;
  errors: string[];
}

/** Statuses by which the documented upgrade request refuses (400 bad command, 404 no bdb, 406 module capabilities). */
function isRefusal(e: unknown): e is ReApiError {
  return e instanceof ReApiError && [400, 404, 406].includes(e.status);
}

/**
 * Active-Active databases are upgraded by the participant that creates them
 * (the CRDB upgrade reaches every instance); the others only report.
 */
export async function reconcileDatabaseUpgrades(ctx: DutyContext, state: DesiredState, live: Bdb[], operations: OperationLog): Promise<UpgradeOutcome> {
  const plain = planVersionChanges(state.databases, live);
  const created = state.activeActiveDatabases.filter((db) => isCrdbCreator(db, state.remoteClusters));
  const activeActive = planVersionChanges(created, live, true);
  const plan = { upgrades: [...plain.upgrades, ...activeActive.upgrades], downgrades: [...plain.downgrades, ...activeActive.downgrades] };
  const errors = plan.downgrades.map((d) =>
    `database ${d.database} runs Redis ${d.from}, declared ${d.to}: Redis Software has no downgrade, so it stays on ${d.from} (declare ${d.from} or later)`);
  const last = operations.get(KIND);
  // A run an earlier pass left Running (its wait ended first) has ended once its database runs the version.
  const reached = last?.phase === 'Running' ? targetReached(last.target, live) : undefined;
  if (last && reached) operations.succeeded(KIND, last.target, `database ${reached} runs its declared Redis version`);
  if (last?.phase === 'Failed' && plan.upgrades.some((u) => u.target === last.target)) {
    ctx.log.debug('database upgrades wait: one failed and its declaration has not changed', { target: last.target });
    return { wrote: false, errors };
  }
  let wrote = false;
  for (const change of plan.upgrades) {
    const outcome = await upgrade(ctx, change, operations, errors);
    wrote ||= outcome !== 'not sent';
    if (outcome !== 'succeeded') break;
  }
  return { wrote, errors };
}

type Outcome = 'succeeded' | 'not sent' | 'stopped';

async function upgrade(ctx: DutyContext, change: VersionChange, operations: OperationLog, errors: string[]): Promise<Outcome> {
  const { database, uid, to, target } = change;
  const body = { redis_version: to, preserve_roles: true };
  let started: { action?: string; task?: string };
  try {
    if (change.crdbGuid) started = { task: (await ctx.re.upgradeCrdb(change.crdbGuid, body)).id };
    else started = { action: (await ctx.re.upgradeBdb(uid, body)).action_uid };
  } catch (e) {
    if (isRefusal(e)) {
      operations.failed(KIND, target, `Redis Enterprise refused the upgrade: ${errorMessage(e)}`, database);
      ctx.log.warn('database upgrade refused', { database, target, error: errorMessage(e) });
    } else {
      // Busy, unreachable or a server error: tried again in the next pass.
      errors.push(`database ${database}: upgrade to Redis ${to}: ${errorMessage(e)}`);
    }
    return 'not sent';
  }
  const following = started.task ? `, crdb task ${started.task}` : started.action ? `, action ${started.action}` : '';
  operations.running(KIND, target, `upgrade request accepted${following}`, database);
  ctx.log.info('database upgrade started', { database, target, ...started });
  if (started.action || started.task) {
    try {
      if (started.task) await waitForCrdbTask(ctx.re, started.task, ctx.poll);
      else await waitForAction(ctx.re, started.action!, ctx.poll);
    } catch (e) {
      if (e instanceof AsyncTaskError && e.timedOut) {
        errors.push(`database ${database}: upgrade to Redis ${to} still running: ${errorMessage(e)}`);
      } else if (e instanceof AsyncTaskError) {
        operations.failed(KIND, target, errorMessage(e), database);
        ctx.log.warn('database upgrade failed', { database, target, error: errorMessage(e) });
      } else {
        errors.push(`database ${database}: following the upgrade to Redis ${to}: ${errorMessage(e)}`);
      }
      return 'stopped';
    }
  }
  operations.succeeded(KIND, target, `database ${database} upgraded to Redis ${to} in place (uid ${uid})`);
  ctx.log.info('database upgraded', { database, target });
  return 'succeeded';
}
