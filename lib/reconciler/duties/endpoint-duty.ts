/**
 * Keeps the database Services' EndpointSlices and the master pod label in line
 * with what Redis Enterprise reports. Conflicts (someone changed the object
 * since it was read) are left to the next pass, which the watch event of that
 * very change triggers at once.
 */
import { DutyContext } from '../runtime/context';
import { isConflict, isNotFound } from '../io/kube-api';
import { EndpointSlice, Pod } from '../io/kube-types';
import { ownedSliceSelector } from '../../contract/labels';
import { SliceTarget, desiredSlice, planSlices } from '../plan/endpoint-slices';
import { masterLabelPatches } from '../plan/master-label';
import { errorMessage } from '../runtime/logger';

export interface SliceOutcome { writes: number; conflicts: number }

export async function reconcileSlices(ctx: DutyContext, targets: SliceTarget[], pods: Pod[]): Promise<SliceOutcome> {
  const { clusterName, namespace } = ctx.config;
  const desired: EndpointSlice[] = targets.map((t) => desiredSlice(t, pods, clusterName, namespace));
  const live = (await ctx.kube.listEndpointSlices(ownedSliceSelector(clusterName))).items;
  const plan = planSlices(desired, live);
  const outcome: SliceOutcome = { writes: 0, conflicts: 0 };
  const guard = async (what: string, op: () => Promise<unknown>) => {
    try {
      outcome.writes++;
      await op();
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) {
        outcome.conflicts++;
        ctx.log.debug('EndpointSlice changed meanwhile; next pass retries', { slice: what, error: errorMessage(e) });
      } else throw e;
    }
  };
  for (const name of plan.delete) await guard(name, () => ctx.kube.deleteEndpointSlice(name));
  for (const s of plan.create) await guard(s.metadata.name, () => ctx.kube.createEndpointSlice(s));
  for (const s of plan.replace) await guard(s.metadata.name, () => ctx.kube.replaceEndpointSlice(s));
  if (plan.create.length + plan.replace.length + plan.delete.length > 0) {
    ctx.log.info('EndpointSlices repaired', { created: plan.create.length, replaced: plan.replace.length, deleted: plan.delete.length });
  }
  return outcome;
}

export async function reconcileMasterLabel(ctx: DutyContext, pods: Pod[], masterAddr: string | undefined): Promise<number> {
  const patches = masterLabelPatches(pods, masterAddr);
  for (const p of patches) {
    try {
      await ctx.kube.patchPodLabels(p.pod, p.labels);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  if (patches.length > 0) ctx.log.info('master pod label moved', { patches: patches.map((p) => p.pod) });
  return patches.length;
}
