/**
 * The leader's half of an admin password rotation, in the documented
 * multi-password flow ("Rotate passwords"): authenticated with the old
 * password, add the new one (`POST /v1/users/password`), so both are valid;
 * wait until every running sidecar reports the new one on its pod; then
 * delete the old one (`DELETE /v1/users/password`), authenticated with the
 * new one. Each pass starts from the status document, so a new leader
 * continues where the last one stopped.
 *
 * The old value lives only in the memory of sidecars that used it (the
 * reconciler writes password values nowhere): a leader that never held it
 * cannot delete it and says so (Failed), the new password working all along.
 */
import { DesiredState } from '../../contract/desired-state';
import { DutyContext } from '../runtime/context';
import { ReApiError } from '../io/re-api';
import { Pod } from '../io/kube-types';
import { errorMessage } from '../runtime/logger';
import { OperationLog } from '../plan/operations';
import { AdminCredentialKeeper } from '../runtime/admin-credentials';
import { AdminCredentialsStatus, VersionedCredentials, passwordTarget, podsNotOn, usernameTarget } from '../plan/admin-credentials';

const KIND = 'CredentialRotation';

function isCode(e: unknown, code: string): boolean {
  return e instanceof ReApiError && e.errorCode === code;
}

/** Adds the Secret's new password. Returns the accepted versions, or a refusal for the status. */
async function addNewPassword(
  ctx: DutyContext, secretName: string, working: VersionedCredentials, pending: VersionedCredentials, accepted: string[], operations: OperationLog,
): Promise<AdminCredentialsStatus> {
  const base = accepted.length > 0 ? accepted : [working.version];
  if (pending.credentials.username !== working.credentials.username) {
    // Blocked, not Failed: it clears by itself once the Secret names the previous user again.
    operations.blocked(KIND, usernameTarget(secretName, working.version, pending.version),
      'Redis Enterprise cannot rename a user: the sidecars keep authenticating with the previous username and password; '
      + `put the previous username back into Secret ${secretName} (a new password alone is rotated)`);
    return { acceptedVersions: base, refusedVersion: pending.version };
  }
  try {
    await ctx.re.addUserPassword(pending.credentials.password);
  } catch (e) {
    // Documented: the list has it already (a former leader added it and stopped before its status said so).
    if (!isCode(e, 'new_password_same_as_current')) {
      if (!(e instanceof ReApiError) || e.transient || e.status === 401) throw e;
      operations.failed(KIND, passwordTarget(secretName, base[0], pending.version), `Redis Enterprise refused the new password: ${errorMessage(e)}`);
      return { acceptedVersions: base, refusedVersion: pending.version };
    }
  }
  ctx.log.info('admin password rotation: new password added, the previous one stays valid', { secret: secretName, from: working.version, to: pending.version });
  return { acceptedVersions: [...base.filter((v) => v !== pending.version), pending.version] };
}

/**
 * Returns what the status document says about the admin credentials after
 * this pass. `inCluster`: this node is in the cluster, so its REST API
 * serves cluster requests (else only the refused-credentials check runs).
 */
export async function rotateAdminPassword(
  ctx: DutyContext, state: DesiredState, pods: readonly Pod[], keeper: AdminCredentialKeeper,
  previous: AdminCredentialsStatus | undefined, operations: OperationLog, inCluster: boolean,
): Promise<AdminCredentialsStatus | undefined> {
  const working = keeper.inUse;
  if (!working) return previous;
  const secretName = state.cluster.credentialsSecretName;
  const pending = keeper.pending;
  let accepted = previous?.acceptedVersions ?? [];
  if (keeper.confirmedVersion !== working.version && accepted.length > 0 && !accepted.includes(working.version)) {
    // A fresh process (it restarted after the Secret changed) knows only the Secret's new credentials, refused so far.
    operations.blocked(KIND, passwordTarget(secretName, accepted[accepted.length - 1], working.version),
      'this sidecar restarted after the Secret changed and holds only the new password, which Redis Enterprise does not accept yet; '
      + 'a sidecar that still holds the previous one adds it when it leads. If every sidecar restarted, put the previous password back '
      + `into Secret ${secretName}, wait for this to clear, then change it again`);
    return previous;
  }
  if (!inCluster) return previous;

  if (pending && pending.version !== previous?.refusedVersion) {
    const added = await addNewPassword(ctx, secretName, working, pending, accepted, operations);
    if (added.refusedVersion) return added;
    keeper.switchTo(pending);
    accepted = added.acceptedVersions;
  }
  if (accepted.length <= 1) {
    // At rest: the version in use is the accepted one (also after a resourceVersion-only change of the Secret).
    const refused = pending && previous?.refusedVersion === pending.version ? { refusedVersion: pending.version } : {};
    const open = operations.get(KIND);
    if (open?.phase === 'Blocked' && open.target.startsWith('admin ')) {
      operations.succeeded(KIND, open.target, 'the Secret holds the credentials Redis Enterprise accepts again: nothing to rotate');
    }
    return { acceptedVersions: [working.version], ...refused };
  }

  const to = accepted[accepted.length - 1];
  const olds = accepted.slice(0, -1);
  const target = passwordTarget(secretName, olds[0], to);
  const lagging = podsNotOn(pods, to);
  if (keeper.version !== to || lagging.length > 0) {
    const who = lagging.length > 0 ? `: ${lagging.join(', ')}` : '';
    operations.running(KIND, target, `new password added, the previous one still valid; waiting for ${Math.max(lagging.length, 1)} sidecar(s) to use the new one${who}`, lagging[0]);
    return { acceptedVersions: accepted };
  }
  const forgotten: string[] = [];
  for (const version of olds) {
    const old = keeper.previous(version);
    if (!old) {
      forgotten.push(version);
      continue;
    }
    try {
      await ctx.re.deleteUserPassword(old.credentials.password);
    } catch (e) {
      // Documented: only one password is left, the one this request authenticated with: the old one is gone already.
      if (!isCode(e, 'cannot_delete_last_password')) throw e;
    }
  }
  keeper.forgetPrevious();
  if (forgotten.length > 0) {
    operations.failed(KIND, target, `every sidecar uses the new password, but the previous one (rv ${forgotten.join(', ')}) is still valid: `
      + 'the leader changed during the rotation and no running sidecar remembers the previous value (kept only in memory); '
      + 'delete it with DELETE /v1/users/password {"old_password": ...}');
  } else {
    operations.succeeded(KIND, target, 'every sidecar authenticates with the new password; the previous one was deleted');
    ctx.log.info('admin password rotation: previous password deleted', { secret: secretName, to });
  }
  return { acceptedVersions: [to] };
}
