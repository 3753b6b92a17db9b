import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels } from '../contract/labels';
import { clusterObjectMeta } from './metadata';

/**
 * Voluntary disruptions (drains, upgrades) take at most one node at a time:
 * losing two of three nodes loses quorum.
 */
export function addDisruptionBudget(scope: Construct, spec: ClusterSpec): void {
  new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata: clusterObjectMeta(spec, spec.names.cluster),
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: nodeSelectorLabels(spec.name) },
    },
  });
}
