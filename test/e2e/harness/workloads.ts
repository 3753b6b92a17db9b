/**
 * Reading pods, claims and scheduling outcomes of a StatefulSet, with waits
 * that say what they saw when they time out.
 */
import { KubeClient, KubeObject, waitFor } from '../../support/kube-client';

export function isPodReady(pod: any): boolean {
  return (pod?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export function podCondition(pod: any, type: string): any {
  return (pod?.status?.conditions ?? []).find((c: any) => c.type === type);
}

const podRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace, name });

function summary(pod: any): unknown {
  if (!pod) return 'absent';
  return {
    phase: pod.status?.phase,
    node: pod.spec?.nodeName,
    conditions: (pod.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`),
    deleting: !!pod.metadata.deletionTimestamp,
  };
}

/** Waits until every named pod exists, is bound and Ready; answers them in the given order. */
export async function waitForReadyPods(client: KubeClient, namespace: string, names: string[], timeoutMs = 180_000): Promise<KubeObject[]> {
  return waitFor(`pods ${names.join(', ')} Ready in ${namespace}`, async (observe) => {
    const pods = await Promise.all(names.map((n) => client.tryGet(podRef(namespace, n))));
    observe(Object.fromEntries(names.map((n, i) => [n, summary(pods[i])])));
    return pods.every((p) => p && isPodReady(p) && !p.metadata.deletionTimestamp) && (pods as KubeObject[]);
  }, { timeoutMs });
}

/**
 * Waits until the pod exists and the scheduler has marked it Unschedulable,
 * for a reason matching `because` when given (early attempts may fail for a
 * passing reason, e.g. its claim not bound yet); answers the pod.
 */
export async function waitForUnschedulable(client: KubeClient, namespace: string, name: string, because?: RegExp): Promise<KubeObject> {
  return waitFor(`pod ${name} Unschedulable${because ? ` (${because})` : ''}`, async (observe) => {
    const pod = await client.tryGet(podRef(namespace, name));
    observe(summary(pod));
    const cond = podCondition(pod, 'PodScheduled');
    return cond?.status === 'False' && cond.reason === 'Unschedulable' && (!because || because.test(cond.message)) && pod;
  }, { timeoutMs: 120_000 });
}

/**
 * Waits for a FailedScheduling event about the pod whose message matches
 * `pattern`; answers that message. Earlier attempts may have failed for a
 * passing reason (e.g. its claim not bound yet), so any match counts.
 */
export async function waitForFailedScheduling(client: KubeClient, namespace: string, pod: string, pattern: RegExp): Promise<string> {
  return waitFor(`FailedScheduling event for ${pod} matching ${pattern}`, async (observe) => {
    const events = await client.events(namespace, { name: pod, kind: 'Pod' });
    observe(events.map((e) => `${e.reason}: ${e.message}`));
    const failed = events.find((e) => e.reason === 'FailedScheduling' && pattern.test(e.message));
    return failed?.message as string | undefined;
  }, { timeoutMs: 120_000 });
}

export async function waitForPodGone(client: KubeClient, namespace: string, name: string, uid?: string): Promise<void> {
  await waitFor(`pod ${name}${uid ? ` (uid ${uid})` : ''} gone`, async (observe) => {
    const pod = await client.tryGet(podRef(namespace, name));
    observe(summary(pod));
    return !pod || (uid !== undefined && pod.metadata.uid !== uid);
  });
}

/** Names of the StatefulSet's claims: `<template>-<sts>-<ordinal>`. */
export function claimNames(template: string, sts: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${template}-${sts}-${i}`);
}

export async function waitForBoundClaims(client: KubeClient, namespace: string, names: string[]): Promise<KubeObject[]> {
  return waitFor(`claims ${names.join(', ')} Bound`, async (observe) => {
    const claims = await Promise.all(names.map((name) =>
      client.tryGet({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name })));
    observe(Object.fromEntries(names.map((n, i) => [n, claims[i]?.status?.phase ?? 'absent'])));
    return claims.every((c) => c?.status?.phase === 'Bound') && (claims as KubeObject[]);
  });
}

/** The claim a pod mounts for a volume, from the live pod spec. */
export function claimOfPod(pod: KubeObject, volume: string): string | undefined {
  return pod.spec.volumes?.find((v: any) => v.name === volume)?.persistentVolumeClaim?.claimName;
}
