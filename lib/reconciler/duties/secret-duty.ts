/** Creates missing Secrets (never overwriting) and reads the values duties need. */
import { DesiredState } from '../../contract/desired-state';
import { DutyContext } from '../runtime/context';
import { InvolvedObject } from '../io/events';
import { isConflict } from '../io/kube-api';
import { Secret } from '../io/kube-types';
import { secretValue, secretsToEnsure } from '../plan/secrets';
import type { VersionedCredentials } from '../plan/admin-credentials';

/**
 * The secret duty of the elected sidecar: creates each missing Secret, with
 * an event on `subject` (the desired-state ConfigMap) naming it. Returns the
 * names it created.
 */
export async function ensureSecrets(ctx: DutyContext, state: DesiredState, subject: InvolvedObject): Promise<string[]> {
  const created: string[] = [];
  for (const s of secretsToEnsure(state, ctx.config.namespace)) {
    if (await ctx.kube.getSecret(s.name)) continue;
    try {
      await ctx.kube.createSecret(s.build());
    } catch (e) {
      // Someone (a user, an ExternalSecret, another sidecar) created it in
      // between: theirs wins, ours is dropped.
      if (!isConflict(e)) throw e;
      continue;
    }
    created.push(s.name);
    ctx.log.info('created missing Secret with a random value', { secret: s.name });
    await ctx.events.record(subject, 'Normal', 'SecretCreated', `Secret ${s.name} was missing and was created with a random value`);
  }
  return created;
}

export interface AdminCredentials { username: string; password: string }

/** The admin credentials Secret's username and password, with its resourceVersion (what rotations are told by). */
export async function readAdminSecret(ctx: DutyContext, state: DesiredState): Promise<VersionedCredentials | undefined> {
  const secret = await ctx.kube.getSecret(state.cluster.credentialsSecretName);
  const credentials = credentialsFrom(secret);
  return credentials && secret ? { credentials, version: secret.metadata.resourceVersion ?? '' } : undefined;
}

export function credentialsFrom(secret: Secret | undefined): AdminCredentials | undefined {
  const username = secretValue(secret, 'username');
  const password = secretValue(secret, 'password');
  if (!username || !password) return undefined;
  return { username, password };
}

/** A Secret's value together with the resourceVersion that identifies it. */
export interface VersionedValue { value: string; version: string }

export async function readSecretKey(ctx: DutyContext, name: string, key: string): Promise<VersionedValue | undefined> {
  const s = await ctx.kube.getSecret(name);
  const value = secretValue(s, key);
  if (value === undefined || !s) return undefined;
  return { value, version: s.metadata.resourceVersion ?? '' };
}
