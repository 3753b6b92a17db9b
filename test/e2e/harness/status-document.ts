/**
 * The reconciler's status document as a user reads it: `status.json` of the
 * `<rec>-status` ConfigMap (lib/reconciler/plan/status.ts), parsed.
 */
import { clusterObjectNames } from '../../../lib/contract/names';
import { STATUS_KEY } from '../../../lib/reconciler/plan/status';
import { KubeClient, KubeObject } from '../../support/kube-client';

/** Undefined before the leader's first write. */
export async function readStatusDocument(client: KubeClient, namespace: string, clusterName: string): Promise<any> {
  const name = clusterObjectNames(clusterName, namespace).statusConfigMap;
  const cm = await client.tryGet<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
  const doc = cm?.data?.[STATUS_KEY];
  return doc ? JSON.parse(doc) : undefined;
}
