/**
 * One namespace per test (or per test file): tests share one control plane
 * and must not see each other's objects.
 */
import { randomBytes } from 'crypto';
import { KubeClient, waitFor } from '../../support/kube-client';

/**
 * Creates `<prefix>-<random>` with the given labels (e.g. PodSecurity) and
 * waits for its `default` ServiceAccount: ServiceAccount admission rejects
 * pods until the controller-manager has created it.
 */
export async function createNamespace(
  client: KubeClient,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  return createNamedNamespace(client, `${prefix}-${randomBytes(3).toString('hex')}`, labels);
}

/** Creates namespace `name` (when a test must know several names before it creates any) and waits as above. */
export async function createNamedNamespace(client: KubeClient, name: string, labels: Record<string, string> = {}): Promise<string> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  await waitFor(`ServiceAccount default in ${name}`, async () =>
    (await client.tryGet({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: name })) !== undefined);
  return name;
}

/** Deletes a namespace without waiting (the namespace controller finishes it in the background). */
export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name });
}
