/**
 * Which pods need their `redis.io/role-master` label added or removed so that
 * exactly the pod of the cluster's master node carries it (pure).
 */
import { Pod } from '../io/kube-types';
import { ROLE_MASTER_LABEL } from '../../contract/labels';

export interface LabelPatch {
  pod: string;
  labels: Record<string, string | null>;
}

export function masterLabelPatches(pods: Pod[], masterAddr: string | undefined): LabelPatch[] {
  // Unknown master (REST API unreachable): change nothing rather than unlabel everyone.
  if (masterAddr === undefined) return [];
  const patches: LabelPatch[] = [];
  for (const pod of [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const has = pod.metadata.labels?.[ROLE_MASTER_LABEL] === '1';
    const should = pod.status?.podIP === masterAddr;
    if (should && !has) patches.push({ pod: pod.metadata.name, labels: { [ROLE_MASTER_LABEL]: '1' } });
    else if (!should && pod.metadata.labels?.[ROLE_MASTER_LABEL] !== undefined) {
      patches.push({ pod: pod.metadata.name, labels: { [ROLE_MASTER_LABEL]: null } });
    }
  }
  // Remove before add: never two masters at once, even briefly.
  return patches.sort((a, b) => Number(a.labels[ROLE_MASTER_LABEL] !== null) - Number(b.labels[ROLE_MASTER_LABEL] !== null));
}
