/**
 * Where a database's shards and proxy endpoint live. Real Redis Enterprise
 * decides this with its own optimiser; the double uses a fixed, documented
 * rule so tests can predict it:
 *
 * - Active nodes are taken in uid order. Database `uid` starts at node index
 *   `(uid - 1) % activeNodes`, so successive databases land on successive nodes.
 * - Master shard `i` goes to the node `start + i` (cyclic); its replica to the
 *   next node after it, skipping nodes in the same rack when the database is
 *   rack-aware.
 * - Endpoint (`proxy_policy`): `single` → the node of master shard 0;
 *   `all-master-shards` → every node holding a master shard; `all-nodes` →
 *   every active node.
 * - When a node goes down, a master shard on it fails over to its replica (if
 *   the replica's node is up) and a `single` endpoint follows master shard 0.
 *   A database without replication keeps its endpoint on the dead node (it is
 *   unavailable, as in the real product).
 */
import { notAcceptable } from './errors';
import type { BdbRecord, NodeRecord, ShardRecord } from './types';

export interface PlacementRequest {
  readonly bdbUid: number;
  readonly shardsCount: number;
  readonly replication: boolean;
  readonly rackAware: boolean;
}

export function placeShards(req: PlacementRequest, activeNodes: NodeRecord[], nextShardUid: () => number): ShardRecord[] {
  const nodes = [...activeNodes].sort((a, b) => a.uid - b.uid);
  if (nodes.length === 0) throw notAcceptable('insufficient_resources', 'no active node can host the database');
  const start = (req.bdbUid - 1) % nodes.length;
  const shards: ShardRecord[] = [];
  for (let i = 0; i < req.shardsCount; i++) {
    const masterPos = (start + i) % nodes.length;
    shards.push({ uid: nextShardUid(), bdbUid: req.bdbUid, index: i, role: 'master', nodeUid: nodes[masterPos].uid });
    if (!req.replication) continue;
    const replica = pickReplicaNode(nodes, masterPos, req.rackAware);
    shards.push({ uid: nextShardUid(), bdbUid: req.bdbUid, index: i, role: 'slave', nodeUid: replica.uid });
  }
  return shards;
}

function pickReplicaNode(nodes: NodeRecord[], masterPos: number, rackAware: boolean): NodeRecord {
  const master = nodes[masterPos];
  for (let step = 1; step < nodes.length; step++) {
    const candidate = nodes[(masterPos + step) % nodes.length];
    if (!rackAware || candidate.rackId !== master.rackId) return candidate;
  }
  // Callers check the node count first, so only rack awareness gets here.
  throw notAcceptable('rack_awareness_violation', 'not enough nodes in unique racks to place the replica shards');
}

export function endpointNodesFor(proxyPolicy: string, shards: ShardRecord[], activeNodes: NodeRecord[]): number[] {
  const masters = shards.filter((s) => s.role === 'master').sort((a, b) => a.index - b.index);
  switch (proxyPolicy) {
    case 'all-nodes':
      return activeNodes.map((n) => n.uid).sort((a, b) => a - b);
    case 'all-master-shards':
      return [...new Set(masters.map((s) => s.nodeUid))].sort((a, b) => a - b);
    default:
      return masters.length ? [masters[0].nodeUid] : [];
  }
}

/** Fail over the master shards a down node held and move endpoints that must follow them. */
export function failoverFromNode(bdb: BdbRecord, downUid: number, activeNodes: NodeRecord[]): void {
  const isActive = (uid: number) => activeNodes.some((n) => n.uid === uid);
  for (const master of bdb.shards.filter((s) => s.role === 'master' && s.nodeUid === downUid)) {
    const replica = bdb.shards.find((s) => s.role === 'slave' && s.index === master.index && isActive(s.nodeUid));
    if (!replica) continue;
    master.role = 'slave';
    replica.role = 'master';
  }
  refreshEndpoints(bdb, activeNodes, downUid);
}

/**
 * Recompute endpoints after a node changed state. `single` moves only when its
 * node is down and master shard 0 now lives elsewhere; `all-nodes` always
 * tracks the active nodes.
 */
export function refreshEndpoints(bdb: BdbRecord, activeNodes: NodeRecord[], downUid?: number): void {
  const policy = String(bdb.config.proxy_policy);
  if (policy === 'all-nodes') {
    bdb.endpointNodes = endpointNodesFor(policy, bdb.shards, activeNodes);
  } else if (policy === 'all-master-shards') {
    bdb.endpointNodes = endpointNodesFor(policy, bdb.shards, activeNodes);
  } else if (downUid !== undefined && bdb.endpointNodes.includes(downUid)) {
    bdb.endpointNodes = endpointNodesFor(policy, bdb.shards, activeNodes);
  }
}
