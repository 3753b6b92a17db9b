/**
 * The Kubernetes writes of in-process reconcilers, as their own counting
 * client counts them (lib/reconciler/io/counting-kube.ts, M.kubeWrites by
 * verb and resource). Lease writes are leader election, renewed every few
 * seconds whatever the reconciler does, so they are left out.
 */
import { RunningReconciler } from '../../../lib/reconciler/runtime/app';
import { M } from '../../../lib/reconciler/runtime/metrics';

function writesBesidesLeases(r: RunningReconciler) {
  return r.metrics.samples(M.kubeWrites).filter((s) => s.labels.resource !== 'leases' && s.value > 0);
}

export function kubeWritesBesidesLeases(r: RunningReconciler): number {
  return writesBesidesLeases(r).reduce((n, s) => n + s.value, 0);
}

/** The writes of all `reconcilers` but the Lease ones, summed by `verb resource` (e.g. `delete statefulsets`). */
export function kubeWritesByVerbResource(reconcilers: RunningReconciler[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const r of reconcilers) {
    for (const s of writesBesidesLeases(r)) {
      const k = `${s.labels.verb} ${s.labels.resource}`;
      totals[k] = (totals[k] ?? 0) + s.value;
    }
  }
  return totals;
}
