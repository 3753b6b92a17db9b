/**
 * The rolling upgrade, as a pure decision: which pod (if any) the leader
 * deletes in this pass so that the StatefulSet (updateStrategy OnDelete)
 * recreates it on the new image.
 *
 * Only pods the StatefulSet controls (nothing else would recreate them), one
 * at a time, highest ordinal first (the order the StatefulSet controller
 * itself would use), and only while the cluster is whole: every
 * pod Ready and none terminating, every Redis Enterprise node active and out
 * of maintenance mode (the preStop drain put the replaced node into it; the
 * sidecar's maintenance_off after the restart moves its shards back), every
 * pod that runs the new image has a node on the new `software_version`,
 * every database active and no other day-2 operation in progress. A node
 * that rejoined under a new uid leaves its old node listed and down, so the
 * same checks catch it.
 *
 * The bound: a replaced pod whose node is not healthy within
 * `upgradeNodeTimeoutSeconds` of the new pod's creation (before any
 * deletion: of the run's start; no clock runs while a pod terminates or is
 * missing) stops the roll: Blocked, with the reason,
 * and nothing more is deleted until the cluster is whole again, when the
 * roll resumes by itself. Never a cascade.
 *
 * The path: the cluster's live version (its oldest node's `software_version`)
 * must upgrade to the image's version along the documented matrix
 * (lib/contract/redis-software.ts); a downgrade or an unsupported path is
 * Failed before any pod is touched. A path the matrix does not know was
 * acknowledged at synth (REGIT011) and is rolled.
 */
import { NODE_CONTAINER_NAME } from '../../contract/names';
import {
  RedisSoftwareVersion, compareRedisSoftwareVersions, formatRedisSoftwareVersion, imageRedisSoftwareVersion,
  parseRedisSoftwareVersion, upgradePath,
} from '../../contract/redis-software';
import { Pod } from '../io/kube-types';
import { OperationStatus, isEnded } from './operations';

export interface UpgradeNode {
  uid: number;
  addr?: string;
  status?: string;
  softwareVersion?: string;
  /** A maintenance snapshot exists: the node's shards have not moved back. */
  inMaintenance: boolean;
}

export interface RollingUpgradeInput {
  clusterName: string;
  /** The desired `redis-enterprise-node` image; undefined in documents of older builds. */
  image?: string;
  /** Its Redis Software version as the desired state states it (else parsed from the tag). */
  version?: string;
  /** Desired number of nodes (StatefulSet replicas). */
  nodes: number;
  nodeTimeoutSeconds: number;
  pods: Pod[];
  reNodes: UpgradeNode[];
  databases: Array<{ name: string; status?: string }>;
  /** Day-2 operations of other kinds that have not ended. */
  otherActive: OperationStatus[];
  /** The RollingUpgrade entry of the last status. */
  previous?: OperationStatus;
  now: number;
}

export type RollingUpgradeDecision =
  | { action: 'idle' }
  | { action: 'delete'; target: string; pod: string; podUid: string; message: string }
  | { action: 'wait'; target: string; message: string; node?: string }
  | { action: 'blocked'; target: string; message: string; node?: string }
  | { action: 'failed'; target: string; message: string }
  | { action: 'succeeded'; target: string; message: string };

export function nodeContainerImage(pod: Pod): string | undefined {
  return pod.spec?.containers?.find((c) => c.name === NODE_CONTAINER_NAME)?.image;
}

/**
 * Only a pod the StatefulSet `<rec>` controls is replaced: deleting any
 * other (a bare pod, a pod adopted by nothing) would remove a node that
 * nothing recreates.
 */
function controlledByStatefulSet(clusterName: string, pod: Pod): boolean {
  return pod.metadata.ownerReferences?.some((o) => o.kind === 'StatefulSet' && o.name === clusterName && o.controller === true) ?? false;
}

function ordinal(clusterName: string, pod: Pod): number {
  const n = Number(pod.metadata.name.slice(clusterName.length + 1));
  return Number.isInteger(n) ? n : -1;
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function oldest(versions: Array<RedisSoftwareVersion | undefined>): RedisSoftwareVersion | undefined {
  let min: RedisSoftwareVersion | undefined;
  for (const v of versions) if (v && (!min || compareRedisSoftwareVersions(v, min) < 0)) min = v;
  return min;
}

/** Why the cluster is not whole, or an empty list when it is. */
function unhealthy(input: RollingUpgradeInput, target: RedisSoftwareVersion | undefined): string[] {
  const reasons: string[] = [];
  const podByIp = new Map(input.pods.filter((p) => p.status?.podIP).map((p) => [p.status!.podIP!, p]));
  const nodeByAddr = new Map(input.reNodes.filter((n) => n.addr).map((n) => [n.addr!, n]));
  const live = input.pods.filter((p) => !p.metadata.deletionTimestamp);
  for (const p of input.pods) {
    if (p.metadata.deletionTimestamp) reasons.push(`pod ${p.metadata.name} is terminating`);
    else if (!isReady(p)) reasons.push(`pod ${p.metadata.name} is not Ready`);
  }
  if (live.length < input.nodes) reasons.push(`${live.length} of ${input.nodes} pods are running`);
  if (input.reNodes.length !== input.nodes) reasons.push(`Redis Enterprise lists ${input.reNodes.length} nodes, ${input.nodes} expected`);
  for (const n of input.reNodes) {
    const where = `node ${n.uid}${n.addr && podByIp.has(n.addr) ? ` (${podByIp.get(n.addr)!.metadata.name})` : ''}`;
    if (n.status !== 'active') reasons.push(`${where} is ${n.status ?? 'of unknown status'}`);
    if (n.inMaintenance) reasons.push(`${where} is in maintenance mode: its shards are not back`);
  }
  for (const p of live) {
    if (nodeContainerImage(p) !== input.image) continue;
    const node = p.status?.podIP ? nodeByAddr.get(p.status.podIP) : undefined;
    if (!node) {
      reasons.push(`pod ${p.metadata.name} has no Redis Enterprise node yet`);
      continue;
    }
    // An image pinned by digest alone (REC031 warned) names no version to check.
    if (!target) continue;
    const v = parseRedisSoftwareVersion(node.softwareVersion);
    if (!v || compareRedisSoftwareVersions(v, target) !== 0) {
      reasons.push(`node ${node.uid} (${p.metadata.name}) runs ${node.softwareVersion ?? 'an unknown version'}, not ${formatRedisSoftwareVersion(target)}`);
    }
  }
  for (const db of input.databases) if (db.status !== 'active') reasons.push(`database ${db.name} is ${db.status ?? 'of unknown status'}`);
  return reasons;
}

/**
 * Since when the cluster has had to become whole: the creation of the pod
 * that replaced the last deleted one, or the start of the run before any
 * deletion. Undefined while the replaced pod terminates or is not recreated
 * yet (its termination is bounded by the preStop timeout and its grace period).
 */
function waitingSince(input: RollingUpgradeInput, run: OperationStatus | undefined): number | undefined {
  // A pod terminating or not recreated yet (whichever: a leader may have died between a delete and its status).
  const live = input.pods.filter((p) => !p.metadata.deletionTimestamp);
  if (live.length < input.pods.length || live.length < input.nodes) return undefined;
  if (!run) return input.now;
  if (!run.node) return Date.parse(run.startedAt);
  const pod = input.pods.find((p) => p.metadata.name === run.node);
  if (!pod || pod.metadata.deletionTimestamp || nodeContainerImage(pod) !== input.image) return undefined;
  return pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : undefined;
}

export function planRollingUpgrade(input: RollingUpgradeInput): RollingUpgradeDecision {
  const image = input.image;
  if (!image) return { action: 'idle' };
  const outdated = input.pods
    .filter((p) => controlledByStatefulSet(input.clusterName, p) && nodeContainerImage(p) !== undefined && nodeContainerImage(p) !== image)
    .sort((a, b) => ordinal(input.clusterName, b) - ordinal(input.clusterName, a));
  const prev = input.previous;
  const run = prev && !isEnded(prev) && prev.target.endsWith(` -> ${image}`) ? prev : undefined;
  if (outdated.length === 0 && !run) return { action: 'idle' };
  const target = run?.target ?? `image ${nodeContainerImage(outdated[0])} -> ${image}`;

  const targetVersion = parseRedisSoftwareVersion(input.version) ?? imageRedisSoftwareVersion(image);
  const liveVersion = oldest(input.reNodes.map((n) => parseRedisSoftwareVersion(n.softwareVersion)));
  if (outdated.length > 0 && liveVersion && targetVersion) {
    const path = upgradePath(liveVersion, targetVersion);
    if (path.verdict === 'downgrade' || path.verdict === 'unsupported') {
      return { action: 'failed', target, message: `refused, no pod replaced: ${path.reason}` };
    }
  }

  const other = input.otherActive[0];
  if (other) return { action: 'wait', target, message: `waiting for ${other.kind} ${other.target} to end before replacing the next pod`, ...(run?.node ? { node: run.node } : {}) };

  const reasons = unhealthy(input, targetVersion);
  if (reasons.length > 0) {
    const since = waitingSince(input, run);
    const node = run?.node;
    const waited = since === undefined ? 0 : Math.max(0, input.now - since);
    if (waited > input.nodeTimeoutSeconds * 1000) {
      return {
        action: 'blocked', target, ...(node ? { node } : {}),
        message: `stopped: not healthy ${input.nodeTimeoutSeconds} s after ${node ? `pod ${node} was replaced` : 'the upgrade started'} (${reasons.join('; ')}); no further pod is replaced until the cluster is whole again`,
      };
    }
    return { action: 'wait', target, ...(node ? { node } : {}), message: `waiting before the next pod: ${reasons.join('; ')}` };
  }

  const version = targetVersion ? formatRedisSoftwareVersion(targetVersion) : image;
  if (outdated.length === 0) return { action: 'succeeded', target, message: `every node runs ${version}` };
  const next = outdated[0];
  const node = input.reNodes.find((n) => n.addr && n.addr === next.status?.podIP);
  return {
    action: 'delete', target, pod: next.metadata.name, podUid: next.metadata.uid ?? '',
    message: `replacing pod ${next.metadata.name}${node ? ` (node ${node.uid}, ${node.softwareVersion ?? 'unknown version'} -> ${version})` : ''}; ${outdated.length - 1} more after it`,
  };
}
