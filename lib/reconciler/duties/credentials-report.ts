/**
 * Every sidecar's half of an admin password rotation: once it authenticated
 * with the newest accepted version, it says so in an annotation on its own
 * pod (the Secret's resourceVersion, never a value). One patch per sidecar
 * per rotation; nothing while no rotation runs.
 */
import { DutyContext } from '../runtime/context';
import { Pod } from '../io/kube-types';
import { AdminCredentialKeeper } from '../runtime/admin-credentials';
import { ADMIN_CREDENTIALS_VERSION_ANNOTATION, AdminCredentialsStatus, reportedVersion, rotationInProgress } from '../plan/admin-credentials';

export async function reportCredentialsVersion(
  ctx: DutyContext, pods: readonly Pod[], keeper: AdminCredentialKeeper, status: AdminCredentialsStatus | undefined,
): Promise<void> {
  if (!status || !rotationInProgress(status)) return;
  const newest = status.acceptedVersions[status.acceptedVersions.length - 1];
  if (keeper.confirmedVersion !== newest) return;
  const own = pods.find((p) => p.metadata.name === ctx.config.podName);
  if (!own || reportedVersion(own) === newest) return;
  await ctx.kube.patchPodAnnotations(own.metadata.name, { [ADMIN_CREDENTIALS_VERSION_ANNOTATION]: newest });
  ctx.log.info('admin credentials: this sidecar authenticates with the new password', { version: newest });
}
