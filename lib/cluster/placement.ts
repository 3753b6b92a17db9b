import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels } from '../contract/labels';

/**
 * Where the node pods may run. Two Redis Enterprise nodes never share a
 * Kubernetes node: a required anti-affinity term on `kubernetes.io/hostname`,
 * always, plus one per additional topology key.
 */
export function nodePodAntiAffinity(spec: ClusterSpec): k8s.PodAntiAffinity {
  return {
    requiredDuringSchedulingIgnoredDuringExecution: spec.antiAffinityTopologyKeys.map((topologyKey) => ({
      labelSelector: { matchLabels: nodeSelectorLabels(spec.name) },
      topologyKey,
    })),
  };
}

/**
 * With rack awareness the nodes spread evenly over the racks: a rack never
 * holds more than one node above the emptiest one (maxSkew 1, DoNotSchedule),
 * so 5 nodes on 3 zones run 2/2/1 instead of needing 5 zones. While fewer
 * than `minimumRacks` racks have eligible nodes, each takes at most one node
 * (minDomains), so a missing zone leaves pods Pending rather than crowding a
 * majority into one rack. Racks whose nodes the pods may not use (node
 * selector, untolerated taints) do not count (nodeAffinityPolicy and
 * nodeTaintsPolicy Honor). A node without the rack label takes no pod.
 */
export function nodePodTopologySpread(spec: ClusterSpec): k8s.TopologySpreadConstraint[] {
  if (!spec.rackAwarenessNodeLabel) return [];
  return [{
    topologyKey: spec.rackAwarenessNodeLabel,
    maxSkew: 1,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels: nodeSelectorLabels(spec.name) },
    ...(spec.minimumRacks > 1 ? { minDomains: spec.minimumRacks } : {}),
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Honor',
  }];
}
