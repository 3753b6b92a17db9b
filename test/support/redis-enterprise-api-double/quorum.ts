/**
 * The cluster quorum: a majority of all member nodes active. The docs say a
 * cluster that lost contact with more than half of its nodes "stops
 * responding to client connections" and is "unresponsive to client requests
 * or administrative actions" (operate/rs/clusters/cluster-recovery,
 * operate/kubernetes/re-clusters/cluster-recovery); maintenance mode is
 * refused when it would lose the quorum. What the REST API of a surviving
 * minority node answers is NOT documented; the double's choice (README,
 * "Quorum loss"): the node reads (`GET /v1/nodes`, `/v1/nodes/status`, one
 * node and its status) still answer from the node's own view, the stopped
 * nodes `down`; every other cluster request answers 503 `quorum_lost`.
 */
import type { ApiDoubleCluster } from './cluster-state';
import { ApiError } from './errors';
import type { NodeRecord } from './types';

/** The fewest active nodes that keep the quorum of `members` nodes. */
export function quorumSize(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Nodes a recovered cluster still waits to have replaced do not count (the double's choice, README "Cluster recovery"). */
function voters(nodes: readonly NodeRecord[]): NodeRecord[] {
  return nodes.filter((n) => !n.awaitingReplacement);
}

export function hasQuorum(nodes: readonly NodeRecord[]): boolean {
  const members = voters(nodes);
  return members.filter((n) => n.status === 'active').length >= quorumSize(members.length);
}

const NODE_READS = [/^\/v1\/nodes$/, /^\/v1\/nodes\/status$/, /^\/v1\/nodes\/\d+$/, /^\/v1\/nodes\/\d+\/status$/];

/** Throws the 503 a cluster request gets from a node of a cluster without quorum (the node reads excepted). */
export function requireQuorum(cluster: ApiDoubleCluster, method: string, path: string): void {
  if (hasQuorum(cluster.nodes())) return;
  if (method === 'GET' && NODE_READS.some((p) => p.test(path))) return;
  const nodes = voters(cluster.nodes());
  const down = nodes.filter((n) => n.status !== 'active').length;
  throw new ApiError(503, 'quorum_lost', `the cluster lost its quorum (${down} of ${nodes.length} nodes down)`);
}
