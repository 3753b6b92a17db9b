/**
 * The per-node duty's decision: leave the node alone, wait, create the
 * cluster, or join it (pure; `node-duty.ts` acts on it).
 */

export type BootstrapDecision =
  | { action: 'none' }
  | { action: 'wait'; reason: string }
  | { action: 'create' }
  | { action: 'join'; nodes: string[] };

/** States the documented `GET /v1/bootstrap` reports while an action runs. */
const IN_PROGRESS = new Set(['initiated', 'creating_cluster', 'recovering_cluster', 'joining_cluster']);

export interface BootstrapFacts {
  /** `bootstrap_status.state` of this node. */
  state: string | undefined;
  ordinal: number | undefined;
  podIp: string;
  /** Node addresses the status ConfigMap lists for the formed cluster (empty when none yet). */
  knownClusterAddrs: string[];
  /** IPs of the other Ready node pods, ordinal order. */
  readyPeerIps: string[];
}

export function decideBootstrap(f: BootstrapFacts): BootstrapDecision {
  if (f.state === 'completed') return { action: 'none' };
  if (f.state !== undefined && IN_PROGRESS.has(f.state)) return { action: 'wait', reason: `bootstrap in progress (${f.state})` };
  // idle, error or unknown: this node is not in a cluster.
  const known = f.knownClusterAddrs.filter((a) => a !== f.podIp);
  // A cluster already exists (reported by the leader): join it, whatever our ordinal,
  // so that a restarted first pod with empty storage never creates a second cluster.
  if (known.length > 0) return { action: 'join', nodes: known };
  if (f.ordinal === 0) return { action: 'create' };
  const peers = f.readyPeerIps.filter((a) => a !== f.podIp);
  if (peers.length > 0) return { action: 'join', nodes: peers };
  return { action: 'wait', reason: 'no cluster to join yet (the first pod creates it)' };
}
