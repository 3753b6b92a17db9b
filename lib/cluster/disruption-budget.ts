import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels } from '../contract/labels';
import { clusterObjectMeta } from './metadata';

/**
 * Voluntary disruptions (drains, upgrades) take at most one node at a time:
 * losing two of three nodes loses quorum. A plain ApiObject holding its JSON
 * (no typed-props conversion at each synthesis; the YAML is the same).
 */
export function addDisruptionBudget(scope: Construct, spec: ClusterSpec): void {
  new ApiObject(scope, 'DisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: clusterObjectMeta(spec, spec.names.cluster),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: nodeSelectorLabels(spec.name) },
    },
  });
}
