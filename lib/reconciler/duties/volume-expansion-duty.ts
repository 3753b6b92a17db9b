/**
 * The leader's volume-expansion duty: reads the node pods' claims and the
 * `<rec>` StatefulSet, lets `plan/volume-expansion.ts` decide the step and
 * carries it out, reporting the VolumeExpansion operation. Kubernetes only:
 * Redis Enterprise sees a larger file system and needs no REST call.
 *
 * Whether the StorageClass allows expansion is learnt from the patch itself,
 * not from a StorageClass read (which would need a cluster-wide grant): the
 * API server's PersistentVolumeClaimResize admission refuses the growth of a
 * claim whose class does not set `allowVolumeExpansion: true` with 403
 * Forbidden "only dynamically provisioned pvc can be resized and the
 * storageclass that provisions the pvc must support resize", and an unbound
 * claim with "Only bound persistent volume claims can be expanded"
 * (kubernetes plugin/pkg/admission/storage/persistentvolume/resize). Then the
 * operation is Blocked with that message and nothing else happens; the next
 * pass tries again, so fixing the class resumes it.
 */
import { DesiredState } from '../../contract/desired-state';
import { claimName } from '../../contract/names';
import { InvolvedObject } from '../io/events';
import { isConflict, isForbidden, isNotFound } from '../io/kube-api';
import { PersistentVolumeClaim } from '../io/kube-types';
import { OperationLog } from '../plan/operations';
import { planVolumeExpansion } from '../plan/volume-expansion';
import { DutyContext } from '../runtime/context';
import { errorMessage } from '../runtime/logger';

const KIND = 'VolumeExpansion';

/** No watch follows claims or the StatefulSet: a running expansion is polled this often. */
export const VOLUME_POLL_MS = 2000;

export interface VolumeExpansionOutcome {
  /** Look again after this long (an expansion is in progress). */
  pollAfterMs?: number;
  /** Reading or writing failed for another reason than a refused expansion. */
  error?: string;
}

async function readClaims(ctx: DutyContext, state: DesiredState): Promise<Map<string, PersistentVolumeClaim>> {
  const names = (state.cluster.volumeClaims ?? []).flatMap((v) =>
    Array.from({ length: state.cluster.nodes }, (_, i) => claimName(v.template, state.cluster.name, i)));
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const name of names) {
    const claim = await ctx.kube.getPersistentVolumeClaim(name);
    if (claim) claims.set(name, claim);
  }
  return claims;
}

export async function runVolumeExpansionDuty(
  ctx: DutyContext, state: DesiredState, operations: OperationLog, subject: InvolvedObject,
): Promise<VolumeExpansionOutcome> {
  if (!state.cluster.volumeClaims?.length) return {};
  try {
    const live = await ctx.kube.getStatefulSet(state.cluster.name);
    const step = planVolumeExpansion({
      clusterName: state.cluster.name,
      nodes: state.cluster.nodes,
      declared: state.cluster.volumeClaims,
      claims: await readClaims(ctx, state),
      // Orphan deletion keeps the object until the garbage collector has released its pods: it is gone already.
      statefulSet: live && !live.metadata.deletionTimestamp ? live : undefined,
      previous: operations.get(KIND),
    });
    switch (step.step) {
      case 'none':
        return {};
      case 'patch':
        for (const c of step.claims) {
          try {
            await ctx.kube.patchPersistentVolumeClaimStorage(c.claim, c.size);
          } catch (e) {
            if (!isForbidden(e)) throw e;
            operations.blocked(KIND, step.target, `claim ${c.claim} cannot be expanded: ${errorMessage(e)}`, c.pod);
            return {};
          }
        }
        operations.running(KIND, step.target, step.message, step.pod);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'wait-claims':
        operations.running(KIND, step.target, step.message, step.pod);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'blocked-claims':
        operations.blocked(KIND, step.target, step.message, step.pod);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'wait-statefulset':
        operations.running(KIND, step.target, step.message);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'delete-statefulset':
        try {
          await ctx.kube.deleteStatefulSetOrphan(state.cluster.name, step.uid);
          await ctx.events.record(subject, 'Normal', 'StatefulSetOrphanDeleted',
            `StatefulSet ${state.cluster.name} deleted with propagationPolicy Orphan (pods and claims stay) so that the next apply creates it with the expanded claim templates`);
        } catch (e) {
          // Gone already, or replaced meanwhile (the uid precondition failed): the next pass looks again.
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
        operations.running(KIND, step.target, step.message);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'wait-apply':
        operations.running(KIND, step.target, step.message);
        return { pollAfterMs: VOLUME_POLL_MS };
      case 'done':
        operations.succeeded(KIND, step.target, step.message);
        return {};
    }
  } catch (e) {
    return { error: `volume expansion: ${errorMessage(e)}` };
  }
}
