/**
 * Events and metrics for the day-2 operations of one pass: an Event per
 * phase change (Normal while it runs or when it succeeded, Warning when it is
 * blocked or failed) on the desired-state ConfigMap, a counter of phase
 * changes and a gauge of the operations in progress.
 */
import { EventRecorder, InvolvedObject } from '../io/events';
import { M, Metrics } from '../runtime/metrics';
import { OperationLog } from '../plan/operations';

const KINDS_GAUGE_HELP = 'Day-2 operations not ended (Running or Blocked), by kind and phase';

export async function reportOperations(log: OperationLog, events: EventRecorder, metrics: Metrics, subject: InvolvedObject): Promise<void> {
  for (const { to } of log.transitions()) {
    const type = to.phase === 'Blocked' || to.phase === 'Failed' ? 'Warning' : 'Normal';
    const where = to.node ? ` (${to.node})` : '';
    await events.record(subject, type, `${to.kind}${to.phase}`, `${to.kind} ${to.target}${where}: ${to.message}`);
    metrics.inc(M.operations, { kind: to.kind, phase: to.phase }, 1, 'Day-2 operation phase changes, by kind and phase');
  }
  for (const op of log.list() ?? []) {
    for (const phase of ['Running', 'Blocked'] as const) {
      metrics.set(M.operationsActive, op.phase === phase ? 1 : 0, { kind: op.kind, phase }, KINDS_GAUGE_HELP);
    }
  }
}
