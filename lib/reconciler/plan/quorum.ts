/**
 * Quorum loss as the leader sees it through `GET /v1/nodes`: a cluster keeps
 * its quorum while a majority of its member nodes is active; with more than
 * half of them lost it "stops responding to client connections" and must be
 * recovered (Redis docs, cluster recovery). A node answering `down` is lost.
 */
import { NodeStatus } from './status';

export const QUORUM_LOST = 'QuorumLost';

export interface QuorumLoss {
  down: number;
  total: number;
}

/** The loss, or undefined while a majority of the member nodes is up. */
export function quorumLoss(nodes: readonly NodeStatus[]): QuorumLoss | undefined {
  const down = nodes.filter((n) => n.status === 'down').length;
  const up = nodes.length - down;
  return nodes.length > 0 && up <= nodes.length / 2 ? { down, total: nodes.length } : undefined;
}

export function quorumLossMessage(loss: QuorumLoss): string {
  return `cluster lost quorum: ${loss.down} of ${loss.total} nodes down`;
}
