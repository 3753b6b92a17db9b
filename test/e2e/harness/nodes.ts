/**
 * Simulated nodes. A Node object with capacity in its status is all kwok
 * needs: it marks the node Ready and keeps its lease. The controller-manager
 * then removes the `not-ready` taint that admission put on the new node.
 */
import { KubeClient, KubeObject, waitFor } from '../../support/kube-client';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONES = ['zone-a', 'zone-b', 'zone-c'];

export interface NodeSpec {
  name: string;
  zone: string;
  labels?: Record<string, string>;
}

export function nodeObject(spec: NodeSpec): KubeObject {
  // Generous capacity: scheduling must fail only for the reasons a test sets up (affinity, cordon), never for resources.
  const capacity = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        [HOSTNAME_LABEL]: spec.name,
        [ZONE_LABEL]: spec.zone,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/e2e-simulated': '',
        ...spec.labels,
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: { capacity, allocatable: capacity },
  };
}

function isReadyAndSchedulable(node: any): boolean {
  const ready = (node.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
  const notReadyTaint = (node.spec?.taints ?? []).some((t: any) => t.key.startsWith('node.kubernetes.io/'));
  return ready && !notReadyTaint;
}

/** Creates nodes and waits until each is Ready and carries no `node.kubernetes.io/*` taint. */
export async function addNodes(client: KubeClient, specs: NodeSpec[]): Promise<void> {
  for (const spec of specs) await client.create(nodeObject(spec));
  for (const spec of specs) {
    await waitFor(`node ${spec.name} Ready and untainted`, async (observe) => {
      const node = await client.get({ apiVersion: 'v1', kind: 'Node', name: spec.name });
      observe({ conditions: node.status?.conditions?.map((c: any) => `${c.type}=${c.status}`), taints: node.spec?.taints });
      return isReadyAndSchedulable(node);
    }, { timeoutMs: 120_000 });
  }
}

/** Deletes nodes and waits until they are gone. Pods bound to them are left to the test. */
export async function removeNodes(client: KubeClient, names: string[]): Promise<void> {
  for (const name of names) await client.delete({ apiVersion: 'v1', kind: 'Node', name });
  for (const name of names) {
    await waitFor(`node ${name} deleted`, async () =>
      (await client.tryGet({ apiVersion: 'v1', kind: 'Node', name })) === undefined);
  }
}

/** `kubectl cordon` / `uncordon`: the scheduler places nothing new on a cordoned node. */
export async function setCordoned(client: KubeClient, name: string, cordoned: boolean): Promise<void> {
  await client.patch({ apiVersion: 'v1', kind: 'Node', name }, { spec: { unschedulable: cordoned ? true : null } });
}

/** The three base nodes: one per zone. */
export function baseNodeSpecs(): NodeSpec[] {
  return ZONES.map((zone, i) => ({ name: `kwok-node-${i}`, zone }));
}
