/**
 * The verdict written beside the status document (see
 * lib/contract/status-health.ts): Progressing until the cluster formed and
 * every declared database exists, Degraded with the reason when something
 * was refused or failed or the cluster lost its quorum, Healthy when all is
 * converged.
 */
import { StatusHealth } from '../../contract/status-health';
import { QUORUM_LOST, quorumLoss, quorumLossMessage } from './quorum';
import { StatusDocument } from './status';

export function statusHealth(doc: StatusDocument): { status: StatusHealth; message: string } {
  if (!doc.desiredState.valid) return { status: 'Degraded', message: `desired state rejected: ${doc.desiredState.message ?? ''}` };
  if (doc.clusterState === QUORUM_LOST) {
    const loss = quorumLoss(doc.nodes);
    return { status: 'Degraded', message: loss ? quorumLossMessage(loss) : 'cluster lost quorum' };
  }
  if (doc.clusterState === 'Error') return { status: 'Degraded', message: `cluster error: ${doc.lastError ?? 'unknown'}` };
  if (doc.clusterState !== 'Running') return { status: 'Progressing', message: `cluster ${doc.clusterState}${doc.lastError ? `: ${doc.lastError}` : ''}` };
  const declared = doc.databases.filter((d) => d.declared);
  // A declared database with a message was refused or failed (creation, update, port mismatch).
  const failed = declared.find((d) => d.message) ?? doc.activeActiveDatabases.find((d) => d.message && d.status !== 'waiting');
  if (failed) return { status: 'Degraded', message: failed.message! };
  const pending = [...declared, ...doc.activeActiveDatabases].find((d) => d.status !== 'active');
  if (pending) return { status: 'Progressing', message: `database ${pending.name} is ${pending.status}` };
  return { status: 'Healthy', message: `cluster Running with ${doc.nodes.length} nodes, ${declared.length} database(s) active` };
}
