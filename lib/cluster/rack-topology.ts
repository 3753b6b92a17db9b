/**
 * Node labels that Kubernetes copies onto each pod when it is bound
 * (PodTopologyLabelsAdmission, KEP-4742: beta and on by default since 1.35,
 * see kubernetes-version.ts). For these, on such a cluster, the reconciler
 * reads its rack id from its own pod through the downward API, and needs no
 * cluster-scoped permission at all.
 */
const POD_TOPOLOGY_LABELS = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region'];

export function rackIdFromPodLabel(label: string): boolean {
  return POD_TOPOLOGY_LABELS.includes(label);
}
