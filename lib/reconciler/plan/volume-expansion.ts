/**
 * Volume expansion, as a pure decision from what the leader read: the
 * declared claim sizes (desired state), every node's claims and the `<rec>`
 * StatefulSet. One step per pass, in this order:
 *
 * 1. a claim whose `spec.resources.requests.storage` is below the declared
 *    size gets that size (the StorageClass's resizer and the kubelet expand
 *    the volume; the PersistentVolumeClaimResize admission refuses the patch
 *    when the StorageClass does not allow expansion: Blocked, see the duty);
 * 2. until every claim's `status.capacity` has the size, wait (the claim's
 *    Resizing / FileSystemResizePending conditions go into the message; a
 *    resize error or an infeasible resize is Blocked);
 * 3. the StatefulSet's claim templates are immutable: once every claim is
 *    expanded and the StatefulSet is settled (all pods Ready, one revision),
 *    delete it with `propagationPolicy: Orphan`. Its pods and claims stay;
 *    the next apply (Argo CD's sync retry, or `kubectl apply`) creates it
 *    with the new templates and it adopts the pods: same pod template, same
 *    revision, so nothing restarts;
 * 4. Succeeded once the live StatefulSet's templates have the sizes (or,
 *    when no orphan delete was needed, once the claims have them: a missing
 *    StatefulSet is waited for only after this run deleted it).
 *
 * The reconciler never creates the StatefulSet itself: `create` cannot be
 * restricted by resourceNames, so the grant would let the sidecar create
 * any StatefulSet (any pod, any image, any ServiceAccount) in the namespace:
 * a privilege escalation for a step the GitOps apply already does.
 */
import { DesiredVolumeClaim } from '../../contract/desired-state';
import { claimName } from '../../contract/names';
import { PersistentVolumeClaim, StatefulSet } from '../io/kube-types';
import { OperationStatus, isEnded } from './operations';
import { quantityBytes } from './quantity';

export interface VolumeExpansionInput {
  clusterName: string;
  /** Declared node count: claims `<template>-<rec>-0..nodes-1` are looked at. */
  nodes: number;
  declared: readonly DesiredVolumeClaim[];
  /** Live claims by name; a missing one (pod not created yet) is skipped. */
  claims: ReadonlyMap<string, PersistentVolumeClaim>;
  /** Undefined when absent (or terminating: treat as absent). */
  statefulSet?: StatefulSet;
  /** The VolumeExpansion entry of the last status, if any. */
  previous?: OperationStatus;
}

export interface ClaimResize { claim: string; pod: string; size: string }

export type VolumeExpansionStep =
  | { step: 'none' }
  | { step: 'patch'; target: string; claims: ClaimResize[]; message: string; pod: string }
  | { step: 'wait-claims'; target: string; message: string; pod: string }
  | { step: 'blocked-claims'; target: string; message: string; pod: string }
  | { step: 'wait-statefulset'; target: string; message: string }
  | { step: 'delete-statefulset'; target: string; uid: string; message: string }
  | { step: 'wait-apply'; target: string; message: string }
  | { step: 'done'; target: string; message: string };

/** Short names in the operation's target: `volume 20Gi -> 30Gi, flash 40Gi -> 80Gi`. */
const LABELS: Record<string, string> = { 'redis-enterprise-storage': 'volume', 'redis-enterprise-flash': 'flash' };

/** Resize conditions the external-resizer and the kubelet set (k8s.io/api core/v1 PersistentVolumeClaimConditionType). */
const PROGRESS_CONDITIONS = ['Resizing', 'FileSystemResizePending'];
const ERROR_CONDITIONS = ['ControllerResizeError', 'NodeResizeError'];
/** allocatedResourceStatuses values after which the resizer does not retry by itself. */
const INFEASIBLE = ['ControllerResizeInfeasible', 'NodeResizeInfeasible'];

export const WAITING_FOR_APPLY = 'StatefulSet deleted (orphan), waiting for it to be applied again (the Argo CD sync retry, or kubectl apply)';

const bytes = (q: string | undefined) => quantityBytes(q) ?? 0;
const requestOf = (c: PersistentVolumeClaim) => c.spec?.resources?.requests?.storage;
const capacityOf = (c: PersistentVolumeClaim) => c.status?.capacity?.storage;

function templateSize(sts: StatefulSet, template: string): string | undefined {
  return sts.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === template)?.spec?.resources?.requests?.storage;
}

interface ClaimView { name: string; pod: string; declared: DesiredVolumeClaim; claim: PersistentVolumeClaim }

function claimViews(input: VolumeExpansionInput): ClaimView[] {
  const views: ClaimView[] = [];
  for (const declared of input.declared) {
    for (let i = 0; i < input.nodes; i++) {
      const name = claimName(declared.template, input.clusterName, i);
      const claim = input.claims.get(name);
      if (claim) views.push({ name, pod: `${input.clusterName}-${i}`, declared, claim });
    }
  }
  return views;
}

/** `volume 20Gi -> 30Gi` for each template behind; a running entry that expands to the same sizes keeps its target (and so its start time). */
function targetOf(input: VolumeExpansionInput, behind: readonly DesiredVolumeClaim[], views: readonly ClaimView[]): string {
  const to = (d: DesiredVolumeClaim) => `${LABELS[d.template] ?? d.template} -> ${d.size}`;
  const prev = input.previous;
  if (prev && !isEnded(prev)) {
    const prevTo = prev.target.split(', ').map((p) => p.replace(/ \S+ -> /, ' -> '));
    if (behind.length === 0 || behind.every((d) => prevTo.includes(to(d)))) return prev.target;
  }
  return behind.map((d) => {
    const sizes = [
      ...(input.statefulSet ? [templateSize(input.statefulSet, d.template)] : []),
      ...views.filter((v) => v.declared === d).map((v) => requestOf(v.claim)),
    ].filter((s): s is string => s !== undefined && bytes(s) < bytes(d.size));
    const from = sizes.sort((a, b) => bytes(a) - bytes(b))[0] ?? '?';
    return `${LABELS[d.template] ?? d.template} ${from} -> ${d.size}`;
  }).join(', ');
}

function claimProgress(v: ClaimView): string {
  const conditions = (v.claim.status?.conditions ?? []).filter((c) => c.status === 'True' && [...PROGRESS_CONDITIONS, ...ERROR_CONDITIONS].includes(c.type));
  const detail = conditions.map((c) => (c.message ? `${c.type}: ${c.message}` : c.type)).join('; ');
  return `${v.name} ${capacityOf(v.claim) ?? 'no capacity'} of ${v.declared.size}${detail ? ` (${detail})` : ''}`;
}

function isStuck(v: ClaimView): boolean {
  const failed = (v.claim.status?.conditions ?? []).some((c) => c.status === 'True' && ERROR_CONDITIONS.includes(c.type));
  return failed || INFEASIBLE.includes(v.claim.status?.allocatedResourceStatuses?.storage ?? '');
}

/** All pods Ready on one revision: the orphaned pods are adopted as they are, with no rollout pending. */
function settled(sts: StatefulSet): string | undefined {
  const want = sts.spec?.replicas ?? 1;
  const ready = sts.status?.readyReplicas ?? 0;
  if (sts.metadata.generation !== undefined && sts.status?.observedGeneration !== sts.metadata.generation) return 'the StatefulSet controller has not observed its latest spec';
  if (ready < want) return `${ready}/${want} pods Ready`;
  if (sts.status?.currentRevision !== sts.status?.updateRevision) return 'a rollout is in progress';
  return undefined;
}

export function planVolumeExpansion(input: VolumeExpansionInput): VolumeExpansionStep {
  const sts = input.statefulSet;
  const views = claimViews(input);
  const stsBehind = sts ? input.declared.filter((d) => { const s = templateSize(sts, d.template); return s !== undefined && bytes(s) < bytes(d.size); }) : [];
  const toPatch = views.filter((v) => bytes(requestOf(v.claim)) < bytes(v.declared.size));
  const unexpanded = views.filter((v) => bytes(capacityOf(v.claim)) < bytes(v.declared.size));
  // A claim below the declared size is behind even when its volume is already larger (a static PV): its patch names the run.
  const behind = input.declared.filter((d) => stsBehind.includes(d) || [...unexpanded, ...toPatch].some((v) => v.declared === d));
  const prev = input.previous;
  const running = prev !== undefined && !isEnded(prev);
  const target = targetOf(input, behind, views);

  if (toPatch.length > 0) {
    return {
      step: 'patch', target, pod: toPatch[0].pod,
      claims: toPatch.map((v) => ({ claim: v.name, pod: v.pod, size: v.declared.size })),
      message: `expanding claims ${toPatch.map((v) => `${v.name} to ${v.declared.size}`).join(', ')}`,
    };
  }
  if (unexpanded.length > 0) {
    const stuck = unexpanded.filter(isStuck);
    const message = `waiting for claims: ${unexpanded.map(claimProgress).join(', ')}`;
    return stuck.length > 0
      ? { step: 'blocked-claims', target, pod: stuck[0].pod, message: `resize failed: ${stuck.map(claimProgress).join(', ')}` }
      : { step: 'wait-claims', target, pod: unexpanded[0].pod, message };
  }
  if (sts && stsBehind.length > 0) {
    const unsettled = settled(sts);
    if (unsettled) return { step: 'wait-statefulset', target, message: `claims expanded; waiting for the StatefulSet to settle (${unsettled}) before replacing it` };
    // Said once the delete is done, and unchanged on the passes that wait for the apply after it.
    return { step: 'delete-statefulset', target, uid: sts.metadata.uid ?? '', message: WAITING_FOR_APPLY };
  }
  if (!running) return { step: 'none' };
  // Only a StatefulSet this run deleted is waited for (the delete pass leaves that message): a run that
  // needed no delete, such as claims patched while the templates already had the size, is done.
  if (!sts && prev.message === WAITING_FOR_APPLY) return { step: 'wait-apply', target, message: WAITING_FOR_APPLY };
  const sizes = input.declared.map((d) => `${LABELS[d.template] ?? d.template} ${d.size}`).join(', ');
  return { step: 'done', target, message: sts ? `every claim and the StatefulSet's claim templates have ${sizes}` : `every claim has ${sizes}` };
}
