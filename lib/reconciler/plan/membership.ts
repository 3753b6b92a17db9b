/**
 * Cluster membership: which Redis Enterprise nodes are in the cluster versus
 * which pods should exist. Pure functions; the duties that act on them are
 * duties/membership-duty.ts (the leader) and duties/node-maintenance.ts
 * (a pod's own preStop).
 *
 * Which pod a node belongs to must survive pod recreation, and a pod keeps no
 * IP across it. So the node's pod is, in this order: the node's `hostname`
 * (GET /v1/nodes/status; Redis Enterprise reports the machine's host name,
 * which for a StatefulSet pod is the pod name, and the node joined with
 * `identity.name` = the pod name), the live pod at the node's address, and
 * the pod the last status document recorded for that uid. A node that is down
 * while a newer node of the same pod is active is that pod's *stale* node: the
 * pod came back with empty storage and joined as a new node.
 */
import { Pod } from '../io/kube-types';
import { Bdb, ReNode, ReNodeStatus } from '../io/re-types';
import { NodeStatus } from './status';

export interface PodView {
  readonly name: string;
  readonly ip?: string;
  readonly terminating: boolean;
}

export interface Member {
  readonly uid: number;
  readonly addr: string;
  readonly active: boolean;
  /** The pod this node is (or was) the node of, when known. */
  readonly pod?: string;
  readonly shardUids: readonly number[];
}

export interface MemberInput {
  readonly nodes: readonly ReNode[];
  /** uid → hostname, from GET /v1/nodes/status. */
  readonly hostnames: ReadonlyMap<number, string>;
  readonly pods: readonly PodView[];
  readonly previous: readonly NodeStatus[];
  /** `<rec>-`: a hostname with this prefix is a pod name of the cluster. */
  readonly podPrefix: string;
}

export function podViews(pods: readonly Pod[]): PodView[] {
  return pods.map((p) => ({ name: p.metadata.name, ip: p.status?.podIP, terminating: p.metadata.deletionTimestamp !== undefined }));
}

/** uid → hostname, from GET /v1/nodes/status. */
export function hostnamesOf(statuses: Readonly<Record<string, ReNodeStatus>>): Map<number, string> {
  return new Map(Object.entries(statuses).filter(([, s]) => s.hostname).map(([uid, s]) => [Number(uid), s.hostname!]));
}

export function members(input: MemberInput): Member[] {
  const byIp = new Map(input.pods.filter((p) => p.ip).map((p) => [p.ip!, p.name]));
  const recorded = new Map(input.previous.filter((n) => n.pod).map((n) => [n.uid, n.pod!]));
  return input.nodes.map((n) => {
    const host = input.hostnames.get(n.uid);
    const pod = (host && host.startsWith(input.podPrefix) ? host : undefined) ?? (n.addr ? byIp.get(n.addr) : undefined) ?? recorded.get(n.uid);
    return { uid: n.uid, addr: n.addr ?? '', active: n.status === 'active', ...(pod ? { pod } : {}), shardUids: n.shard_list ?? [] };
  });
}

/** Down nodes whose pod has a newer active node: the pod came back with empty storage. Oldest first. */
export function staleNodes(all: readonly Member[]): Array<{ stale: Member; replacement: Member }> {
  const out: Array<{ stale: Member; replacement: Member }> = [];
  for (const m of all) {
    if (m.active || !m.pod) continue;
    const replacement = all.find((o) => o.pod === m.pod && o.uid > m.uid && o.active);
    if (replacement) out.push({ stale: m, replacement });
  }
  return out.sort((a, b) => a.stale.uid - b.stale.uid);
}

/**
 * Nodes no pod should hold any more: their pod's ordinal is at or above the
 * declared node count and the pod is gone (its preStop timed out, or it was
 * killed). Highest ordinal first, as the StatefulSet removes pods.
 */
export function surplusNodes(all: readonly Member[], pods: readonly PodView[], desiredNodes: number, ordinalOf: (pod: string) => number | undefined): Member[] {
  const live = new Set(pods.map((p) => p.name));
  return all
    .filter((m) => m.pod !== undefined && (ordinalOf(m.pod) ?? -1) >= desiredNodes && !live.has(m.pod))
    .sort((a, b) => (ordinalOf(b.pod!) ?? 0) - (ordinalOf(a.pod!) ?? 0));
}

/** Pods at or above the declared count that still exist: their own preStop removes their node. */
export function leavingPods(pods: readonly PodView[], desiredNodes: number, ordinalOf: (pod: string) => number | undefined): PodView[] {
  return pods.filter((p) => (ordinalOf(p.name) ?? -1) >= desiredNodes).sort((a, b) => (ordinalOf(b.name) ?? 0) - (ordinalOf(a.name) ?? 0));
}

export interface RemovalCheck {
  readonly members: readonly Member[];
  readonly bdbs: readonly Bdb[];
  /** Memory of one node in bytes; 0 when unknown (no memory check). */
  readonly nodeMemoryBytes: number;
}

function bytesOf(b: Bdb): number {
  const m = Number(b.memory_size ?? 0);
  return Number.isFinite(m) ? m * (b.replication === true ? 2 : 1) : 0;
}

/**
 * Why removing node `uid` now would be unsafe, or undefined when it is safe:
 * the remaining members must keep a majority active (quorum); every
 * replicated database must still have two nodes for master and replica; a
 * node that is down must hold no shard of a database without replication
 * (its only copy: the data would be lost); the databases' memory (× 2 with
 * replication) must fit the remaining active nodes. Redis Enterprise checks
 * the same and fails the action; checking first keeps the reason readable
 * and sends no write that must fail.
 */
export function removalRefusal(uid: number, c: RemovalCheck): string | undefined {
  const target = c.members.find((m) => m.uid === uid);
  if (!target) return undefined;
  const remaining = c.members.filter((m) => m.uid !== uid);
  const active = remaining.filter((m) => m.active).length;
  const majority = Math.floor(remaining.length / 2) + 1;
  if (active < majority) {
    return `removing node ${uid} would leave ${active} of ${remaining.length} nodes active, fewer than the majority of ${majority} the quorum needs`;
  }
  const replicated = c.bdbs.filter((b) => b.replication === true);
  if (replicated.length > 0 && active < 2) {
    return `database ${replicated[0].name} would lose its replica: master and replica need 2 nodes and ${active} would be left`;
  }
  if (!target.active) {
    const onTarget = new Set(target.shardUids);
    const lost = c.bdbs.find((b) => b.replication !== true && ((b.shard_list as number[] | undefined) ?? []).some((s) => onTarget.has(s)));
    if (lost) return `database ${lost.name} has no replication and shards only on the down node ${uid}: removing it would lose that data`;
  }
  if (c.nodeMemoryBytes > 0) {
    const needed = c.bdbs.reduce((sum, b) => sum + bytesOf(b), 0);
    const capacity = c.nodeMemoryBytes * active;
    if (needed > capacity) {
      return `the databases need ${needed} bytes (replicas counted) and ${active} nodes of ${c.nodeMemoryBytes} bytes would be left`;
    }
  }
  return undefined;
}
