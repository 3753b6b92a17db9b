/**
 * Active-Active databases through `/v1/crdbs`: create (by the one
 * participant that sorts first, see `isCrdbCreator`), change the shared
 * configuration, add or remove participating clusters. Credentials of every
 * participant come from its `redis-enterprise-<name>` Secret; for this
 * cluster's own entry the admin Secret is used when that Secret is absent.
 */
import { DesiredActiveActiveDatabase, DesiredState } from '../../contract/desired-state';
import { waitForCrdbTask } from '../runtime/async-tasks';
import { DutyContext } from '../runtime/context';
import { Credentials, createCrdbBody, crdbInstance, isCrdbCreator, participants, planCrdb } from '../plan/crdb-spec';
import { InvolvedObject } from '../io/events';
import { errorMessage } from '../runtime/logger';
import { Crdb } from '../io/re-types';
import { RoleDirectory, resolveReferences } from '../plan/references';
import { AdminCredentials, credentialsFrom, readSecretKey } from './secret-duty';
import { ActiveActiveStatus } from '../plan/status';

async function participantCredentials(ctx: DutyContext, state: DesiredState, db: DesiredActiveActiveDatabase, admin: AdminCredentials): Promise<Map<string, Credentials>> {
  const map = new Map<string, Credentials>();
  for (const r of participants(db, state.remoteClusters)) {
    const creds = credentialsFrom(await ctx.kube.getSecret(r.credentialsSecretName)) ?? (r.local ? admin : undefined);
    if (!creds) throw new Error(`credentials Secret ${r.credentialsSecretName} for participant ${r.name} is missing or incomplete`);
    map.set(r.name, creds);
  }
  return map;
}

async function reconcileOne(ctx: DutyContext, state: DesiredState, db: DesiredActiveActiveDatabase, live: Crdb | undefined, admin: AdminCredentials, roles: RoleDirectory, subject: InvolvedObject): Promise<ActiveActiveStatus & { error?: string }> {
  try {
    const refs = await resolveReferences(ctx, db, roles, state.cluster.rackAwarenessNodeLabel !== undefined);
    if (!live) {
      if (!isCrdbCreator(db, state.remoteClusters)) {
        return { name: db.name, status: 'waiting', message: 'waiting for the participant that creates the Active-Active database' };
      }
      // Not created here: every participant must hold the same password, so it is the user's Secret.
      const password = await readSecretKey(ctx, db.passwordSecretName, 'password');
      if (!password) throw new Error(`password Secret ${db.passwordSecretName} is missing; create it with the same value on every participating cluster`);
      const creds = await participantCredentials(ctx, state, db, admin);
      const task = await ctx.re.createCrdb(createCrdbBody(db, state.remoteClusters, creds, refs, password.value));
      const guid = await waitForCrdbTask(ctx.re, task.id, ctx.poll);
      await ctx.events.record(subject, 'Normal', 'ActiveActiveDatabaseCreated', `Active-Active database ${db.name} created`);
      return { name: db.name, guid: guid ?? task.crdb_guid, status: 'active' };
    }
    const plan = planCrdb(db, state.remoteClusters, live, refs);
    const guid = live.guid!;
    if (plan.patch) {
      const task = await ctx.re.patchCrdb(guid, plan.patch);
      await waitForCrdbTask(ctx.re, task.id, ctx.poll);
      await ctx.events.record(subject, 'Normal', 'ActiveActiveDatabaseUpdated', `Active-Active database ${db.name} updated: ${plan.changed.join(', ')}`);
    }
    if (plan.addInstances.length > 0 || plan.removeInstanceIds.length > 0) {
      const creds = await participantCredentials(ctx, state, db, admin);
      const body: { add_instances?: ReturnType<typeof crdbInstance>[]; remove_instances?: number[] } = {};
      if (plan.addInstances.length > 0) body.add_instances = plan.addInstances.map((r) => crdbInstance(db, r, creds.get(r.name)!, refs));
      if (plan.removeInstanceIds.length > 0) body.remove_instances = plan.removeInstanceIds;
      const task = await ctx.re.updateCrdbInstances(guid, body);
      await waitForCrdbTask(ctx.re, task.id, ctx.poll);
      await ctx.events.record(subject, 'Normal', 'ActiveActiveParticipantsChanged',
        `Active-Active database ${db.name}: added ${plan.addInstances.map((r) => r.name).join(', ') || 'none'}, removed ${plan.removeInstanceIds.length}`);
    }
    return { name: db.name, guid, status: 'active' };
  } catch (e) {
    const message = `Active-Active database ${db.name}: ${errorMessage(e)}`;
    await ctx.events.record(subject, 'Warning', 'ActiveActiveReconcileFailed', message);
    return { name: db.name, guid: live?.guid, status: live ? 'error' : 'missing', message, error: message };
  }
}

export async function reconcileActiveActive(ctx: DutyContext, state: DesiredState, admin: AdminCredentials, subject: InvolvedObject): Promise<Array<ActiveActiveStatus & { error?: string }>> {
  if (state.activeActiveDatabases.length === 0) return [];
  const live = await ctx.re.listCrdbs();
  const roles = new RoleDirectory(ctx);
  const out: Array<ActiveActiveStatus & { error?: string }> = [];
  for (const db of state.activeActiveDatabases) {
    out.push(await reconcileOne(ctx, state, db, live.find((c) => c.name === db.name), admin, roles, subject));
  }
  return out;
}
