/**
 * The verdict written beside the status document (see
 * lib/contract/status-health.ts): Progressing until the cluster formed and
 * every declared database exists, Degraded with the reason when something
 * was refused or failed, the cluster lost its quorum or a day-2 operation is
 * blocked or failed; Progressing while one runs; Healthy when all is converged.
 */
import { StatusHealth } from '../../contract/status-health';
import { QUORUM_LOST, quorumLoss, quorumLossMessage } from './quorum';
import { StatusDocument } from './status';
import { OperationStatus } from './operations';

function describeOperation(op: OperationStatus): string {
  return `${op.kind} ${op.target}${op.node ? ` (${op.node})` : ''}: ${op.message}`;
}

export function statusHealth(doc: StatusDocument): { status: StatusHealth; message: string } {
  if (!doc.desiredState.valid) return { status: 'Degraded', message: `desired state rejected: ${doc.desiredState.message ?? ''}` };
  if (doc.clusterState === QUORUM_LOST) {
    const loss = quorumLoss(doc.nodes);
    return { status: 'Degraded', message: loss ? quorumLossMessage(loss) : 'cluster lost quorum' };
  }
  if (doc.clusterState === 'Error') return { status: 'Degraded', message: `cluster error: ${doc.lastError ?? 'unknown'}` };
  if (doc.clusterState !== 'Running') return { status: 'Progressing', message: `cluster ${doc.clusterState}${doc.lastError ? `: ${doc.lastError}` : ''}` };
  // A day-2 operation that is stuck or was refused is Degraded (until a new run of it);
  // one that runs keeps the cluster Progressing.
  const stuck = doc.operations?.find((op) => op.phase === 'Blocked' || op.phase === 'Failed');
  if (stuck) return { status: 'Degraded', message: describeOperation(stuck) };
  const running = doc.operations?.find((op) => op.phase === 'Running');
  if (running) return { status: 'Progressing', message: describeOperation(running) };
  const declared = doc.databases.filter((d) => d.declared);
  // A declared database with a message was refused or failed (creation, update, port mismatch).
  const failed = declared.find((d) => d.message) ?? doc.activeActiveDatabases.find((d) => d.message && d.status !== 'waiting');
  if (failed) return { status: 'Degraded', message: failed.message! };
  const pending = [...declared, ...doc.activeActiveDatabases].find((d) => d.status !== 'active');
  if (pending) return { status: 'Progressing', message: `database ${pending.name} is ${pending.status}` };
  return { status: 'Healthy', message: `cluster Running with ${doc.nodes.length} nodes, ${declared.length} database(s) active` };
}
