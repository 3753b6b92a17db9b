/**
 * The documented `remove` node action (`POST /v1/nodes/{uid}/actions/remove`,
 * "Node actions requests" and "Remove a node"): "Removes the node from the
 * cluster after migrating all bound resources to other nodes". As soon as the
 * request is accepted the cluster no longer migrates shards or endpoints to
 * the node, even if the removal fails later (`accept_servers: false`). The
 * cluster "first creates replacement shards or endpoints on one of the other
 * nodes ..., initiates failover as needed, and only then removes the node";
 * "make sure that the cluster has enough capacity for all resources without
 * that node, otherwise you cannot remove the node"; with two nodes and a
 * replicated database a node cannot be removed. Body: `wait_for_persistence`
 * (boolean; accepted, persistence files are not modelled).
 *
 * The double's rules (the docs are silent):
 * - the removal is checked as a whole before anything moves; when it cannot
 *   complete nothing moves and the action ends `failed`:
 *   `insufficient_resources` when a shard has no node to go to (every other
 *   accepting node holds the other shard of its index) or, with
 *   `shards_overbooking` off, the databases' memory (× 2 with replication)
 *   does not fit the remaining accepting nodes; `internal_error` when the
 *   remaining members would not keep a majority active (quorum);
 * - a shard goes to the accepting node holding the fewest shards (lowest uid
 *   on a tie) that does not hold the other shard of its index, keeping its
 *   role (a master's replacement is made, then failed over to);
 * - a node that is down can be removed too (a dead node): its replica shards
 *   are re-created elsewhere from their masters; a master shard on it whose
 *   replica is alive has already failed over. A shard whose only copy is on
 *   the down node (a database without replication) cannot be re-created:
 *   `insufficient_resources`, nothing moves (the double never drops data);
 * - the node leaves `/v1/nodes`, its uid is never given again, the master
 *   role moves to the lowest-uid active node if it held it; the action's
 *   status stays readable at `GET /v1/nodes/{uid}/actions/remove` (name
 *   `remove_node`, as the docs' example lists it);
 * - the docs say a removed node must be uninstalled and reinstalled to join
 *   again: its double answers as a freshly installed node (bootstrap `idle`),
 *   so a pod that comes back on the same claim joins as a new node.
 */
import { schemaError } from './errors';
import { NodeActionFailure } from './node-actions';
import { endpointNodesFor } from './placement';
import { quorumSize } from './quorum';
import type { BdbRecord, NodeRecord, ShardRecord } from './types';

export interface RemovalHost {
  nodes(): NodeRecord[];
  /** Active nodes that accept shards (not in maintenance, not being removed). */
  placementNodes(): NodeRecord[];
  bdbRecords(): BdbRecord[];
  shardsOverbooking(): boolean;
  /** Takes the node out of the member list (uid never reused). */
  dropNode(uid: number): void;
}

export interface RemoveOptions {
  readonly waitForPersistence: boolean;
}

export function parseRemove(body: Record<string, unknown>): RemoveOptions {
  const v = body.wait_for_persistence;
  if (v !== undefined && typeof v !== 'boolean') throw schemaError('wait_for_persistence must be a boolean');
  return { waitForPersistence: v ?? false };
}

interface Move { readonly shard: ShardRecord; readonly to: number }

export function removeNodeFromCluster(host: RemovalHost, node: NodeRecord): void {
  const remaining = host.nodes().filter((n) => n.uid !== node.uid);
  const activeLeft = remaining.filter((n) => n.status === 'active').length;
  if (activeLeft < quorumSize(remaining.length)) {
    throw new NodeActionFailure('internal_error', `removing node ${node.uid} would leave ${activeLeft} of ${remaining.length} nodes active: fewer than a majority`);
  }
  const targets = host.placementNodes().filter((n) => n.uid !== node.uid);
  checkMemory(host, targets, node);
  const moves = planMoves(host.bdbRecords(), node, targets);
  for (const m of moves) m.shard.nodeUid = m.to;
  for (const bdb of host.bdbRecords()) {
    if (!bdb.endpointNodes.includes(node.uid) && String(bdb.config.proxy_policy) !== 'all-nodes') continue;
    const next = endpointNodesFor(String(bdb.config.proxy_policy), bdb.shards, targets);
    bdb.endpointNodes = next.length > 0 ? next : bdb.endpointNodes.filter((u) => u !== node.uid);
  }
  host.dropNode(node.uid);
}

function checkMemory(host: RemovalHost, targets: NodeRecord[], node: NodeRecord): void {
  if (host.shardsOverbooking()) return;
  const needed = host.bdbRecords().reduce((sum, b) => sum + Number(b.config.memory_size ?? 0) * (b.config.replication ? 2 : 1), 0);
  const capacity = targets.reduce((sum, n) => sum + n.totalMemory, 0);
  if (needed > capacity) {
    throw new NodeActionFailure('insufficient_resources', `the databases need ${needed} bytes; without node ${node.uid} the cluster has ${capacity}`);
  }
}

/** Every shard of the node gets a new home, or the removal fails before anything moves. */
function planMoves(bdbs: BdbRecord[], node: NodeRecord, targets: NodeRecord[]): Move[] {
  const load = new Map(targets.map((t) => [t.uid, 0]));
  for (const b of bdbs) for (const s of b.shards) if (load.has(s.nodeUid)) load.set(s.nodeUid, load.get(s.nodeUid)! + 1);
  const moves: Move[] = [];
  const problems: string[] = [];
  for (const bdb of bdbs) {
    for (const shard of bdb.shards.filter((s) => s.nodeUid === node.uid)) {
      const partner = bdb.shards.find((s) => s !== shard && s.index === shard.index);
      const partnerAlive = partner !== undefined && targets.some((t) => t.uid === partner.nodeUid);
      if (node.status === 'down' && !partnerAlive) {
        problems.push(`database ${bdb.uid} shard ${shard.index} has its only copy on the down node`);
        continue;
      }
      const to = targets
        .filter((t) => !partner || partner.nodeUid !== t.uid)
        .sort((a, b) => load.get(a.uid)! - load.get(b.uid)! || a.uid - b.uid)[0];
      if (!to) {
        problems.push(`database ${bdb.uid} shard ${shard.index} has no other node to go to`);
        continue;
      }
      load.set(to.uid, load.get(to.uid)! + 1);
      // A master on a down node already failed over; on a live node it stays master on its new node.
      moves.push({ shard, to: to.uid });
    }
  }
  if (problems.length > 0) {
    throw new NodeActionFailure('insufficient_resources', `node ${node.uid} cannot be removed: ${problems.join('; ')}`);
  }
  return moves;
}
