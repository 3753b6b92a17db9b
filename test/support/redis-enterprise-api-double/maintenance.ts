/**
 * Maintenance mode of one node, as the "Maintenance mode for cluster nodes"
 * page documents it.
 *
 * maintenance_on: (1) refused when shutting the node down would lose the
 * quorum (a majority of all nodes must stay active); (2) a node snapshot of
 * its shards and endpoints is taken unless one exists (`overwrite_snapshot`
 * replaces it); (3) the node becomes a quorum-only node (no shard or endpoint
 * moves to it; `accept_servers: false`); (4) its shards move to other nodes
 * and its endpoints are bound elsewhere. With `evict_ha_replica: false` /
 * `evict_active_active_replica: false` (or the deprecated
 * `keep_slave_shards: true`) replica shards stay and master shards are
 * demoted in place. `evict_dbs` limits the move to those database ids.
 * Activations stack: a second maintenance_on needs a second maintenance_off.
 *
 * maintenance_off: loads the snapshot, un-marks the node, moves the shards
 * and endpoints of the snapshot back (unless `skip_shards_restore`) and
 * deletes the snapshot. Without a snapshot it fails and nothing changes.
 *
 * The double's rules (not documented): a shard moves to the accepting node
 * holding the fewest shards (lowest uid on a tie) that does not hold the
 * other shard of the same index; a shard with nowhere to go stays, and the
 * action then fails with `insufficient_resources` while the node stays in
 * maintenance (the docs' "improperly stopped" maintenance). Memory is not
 * checked per node.
 */
import { schemaError } from './errors';
import { NodeActionFailure } from './node-actions';
import { endpointNodesFor } from './placement';
import { quorumSize } from './quorum';
import type { BdbRecord, NodeRecord, NodeSnapshot } from './types';

export interface MaintenanceHost {
  nodes(): NodeRecord[];
  activeNodes(): NodeRecord[];
  /** Active nodes not in maintenance: where shards and endpoints may go. */
  placementNodes(): NodeRecord[];
  bdbRecords(): BdbRecord[];
  now(): number;
}

export interface MaintenanceOnOptions {
  readonly overwriteSnapshot: boolean;
  readonly evictReplicas: boolean;
  /** Database uids whose shards move; all when absent. */
  readonly evictDbs?: readonly number[];
}

export interface MaintenanceOffOptions {
  readonly snapshotName?: string;
  readonly skipShardsRestore: boolean;
}

function bool(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw schemaError(`${name} must be a boolean`);
  return v;
}

export function parseMaintenanceOn(body: Record<string, unknown>): MaintenanceOnOptions {
  const keepSlaves = bool(body, 'keep_slave_shards', false);
  const evictHa = bool(body, 'evict_ha_replica', !keepSlaves);
  const evictAa = bool(body, 'evict_active_active_replica', !keepSlaves);
  let evictDbs: number[] | undefined;
  if (body.evict_dbs !== undefined) {
    // Documented: "List of database ID strings".
    if (!Array.isArray(body.evict_dbs) || !body.evict_dbs.every((d) => typeof d === 'string' && /^\d+$/.test(d))) {
      throw schemaError('evict_dbs must be a list of database id strings');
    }
    evictDbs = body.evict_dbs.map((d) => Number(d));
  }
  // The double does not tell HA replicas from Active-Active ones: either flag keeps replicas.
  return { overwriteSnapshot: bool(body, 'overwrite_snapshot', false), evictReplicas: evictHa && evictAa, evictDbs };
}

export function parseMaintenanceOff(body: Record<string, unknown>): MaintenanceOffOptions {
  const name = body.snapshot_name;
  if (name !== undefined && typeof name !== 'string') throw schemaError('snapshot_name must be a string');
  return { snapshotName: name, skipShardsRestore: bool(body, 'skip_shards_restore', false) };
}

export function enterMaintenance(host: MaintenanceHost, node: NodeRecord, o: MaintenanceOnOptions): void {
  const stayActive = host.activeNodes().filter((n) => n.uid !== node.uid).length;
  if (stayActive < quorumSize(host.nodes().length)) {
    throw new NodeActionFailure('internal_error', `turning maintenance mode on for node ${node.uid} would lose the cluster quorum`);
  }
  const existing = node.maintenance;
  const snapshot = existing && !o.overwriteSnapshot ? existing.snapshot : takeSnapshot(host, node);
  node.maintenance = { depth: (existing?.depth ?? 0) + 1, snapshot };
  const targets = host.placementNodes();
  const load = new Map(targets.map((t) => [t.uid, 0]));
  for (const b of host.bdbRecords()) for (const s of b.shards) if (load.has(s.nodeUid)) load.set(s.nodeUid, load.get(s.nodeUid)! + 1);
  let stuck = 0;
  for (const bdb of host.bdbRecords()) {
    if (o.evictDbs && !o.evictDbs.includes(bdb.uid)) continue;
    for (const shard of bdb.shards.filter((s) => s.nodeUid === node.uid)) {
      const partner = bdb.shards.find((s) => s !== shard && s.index === shard.index);
      if (!o.evictReplicas) {
        // Replicas stay; a master is demoted in place when its replica can take over.
        if (shard.role === 'master' && partner && partner.nodeUid !== node.uid) {
          shard.role = 'slave';
          partner.role = 'master';
        }
        continue;
      }
      const to = targets
        .filter((t) => !partner || partner.nodeUid !== t.uid)
        .sort((a, b) => load.get(a.uid)! - load.get(b.uid)! || a.uid - b.uid)[0];
      if (!to) {
        stuck++;
        continue;
      }
      shard.nodeUid = to.uid;
      load.set(to.uid, load.get(to.uid)! + 1);
    }
    if (bdb.endpointNodes.includes(node.uid)) rebindEndpoint(bdb, host.placementNodes(), node.uid);
  }
  if (stuck > 0) {
    throw new NodeActionFailure('insufficient_resources', `${stuck} shard(s) could not move off node ${node.uid}: no other node can take them`);
  }
}

export function exitMaintenance(host: MaintenanceHost, node: NodeRecord, o: MaintenanceOffOptions): void {
  const m = node.maintenance;
  if (!m) throw new NodeActionFailure('internal_error', `node ${node.uid} is not in maintenance mode (no maintenance snapshot)`);
  if (o.snapshotName !== undefined && o.snapshotName !== m.snapshot.name) {
    throw new NodeActionFailure('internal_error', `snapshot ${o.snapshotName} does not exist on node ${node.uid}`);
  }
  m.depth--;
  if (m.depth > 0) return;
  node.maintenance = undefined;
  const bdbs = host.bdbRecords();
  if (!o.skipShardsRestore) {
    for (const saved of m.snapshot.shards) {
      const bdb = bdbs.find((b) => b.shards.some((s) => s.uid === saved.uid));
      const shard = bdb?.shards.find((s) => s.uid === saved.uid);
      if (!bdb || !shard) continue; // the database or its layout changed meanwhile
      const partner = bdb.shards.find((s) => s !== shard && s.index === shard.index);
      if (partner?.nodeUid === node.uid) continue;
      shard.nodeUid = node.uid;
      if (shard.role !== saved.role && partner) {
        partner.role = shard.role;
        shard.role = saved.role;
      }
    }
  }
  const accepting = host.placementNodes();
  for (const bdb of bdbs) {
    const policy = String(bdb.config.proxy_policy);
    if (policy === 'all-nodes' || (!o.skipShardsRestore && m.snapshot.endpointBdbs.includes(bdb.uid))) {
      bdb.endpointNodes = endpointNodesFor(policy, bdb.shards, accepting);
    }
  }
}

function takeSnapshot(host: MaintenanceHost, node: NodeRecord): NodeSnapshot {
  const now = host.now();
  const stamp = new Date(now).toISOString().slice(0, 19);
  const bdbs = host.bdbRecords();
  return {
    name: `maintenance_mode_${stamp.replace('T', '_').replace(/:/g, '-')}`,
    createdTime: now,
    shards: bdbs.flatMap((b) => b.shards).filter((s) => s.nodeUid === node.uid).map((s) => ({ uid: s.uid, role: s.role })),
    endpointBdbs: bdbs.filter((b) => b.endpointNodes.includes(node.uid)).map((b) => b.uid),
  };
}

/** The endpoint leaves the node: recomputed over the accepting nodes; never left on the node unless nothing else can serve it. */
function rebindEndpoint(bdb: BdbRecord, accepting: NodeRecord[], leaving: number): void {
  const next = endpointNodesFor(String(bdb.config.proxy_policy), bdb.shards, accepting);
  bdb.endpointNodes = next.length > 0 ? next : bdb.endpointNodes.filter((u) => u !== leaving);
}

/** `maintenance_snapshot` of GET /v1/nodes/status (documented layout; created_time "YYYY-MM-DD HH:MM:SS"). */
export function snapshotJson(node: NodeRecord): Record<string, unknown> | undefined {
  const s = node.maintenance?.snapshot;
  if (!s) return undefined;
  return { created_time: new Date(s.createdTime).toISOString().slice(0, 19).replace('T', ' '), name: s.name, node_uid: String(node.uid) };
}
