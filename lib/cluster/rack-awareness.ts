import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { clusterObjectLabels, withoutNamespace } from './metadata';

/**
 * For a rack label Kubernetes does not copy onto pods (any label but zone and
 * region, and every label when the target Kubernetes is older than 1.35) the
 * reconciler must read its Kubernetes Node, a cluster-scoped object: a
 * ClusterRole allowing only `get` on nodes, bound to the cluster's
 * ServiceAccount. This is the one cluster-scoped grant the library ever
 * makes, and only in this case (the operator needs the same).
 */
export function addNodeReaderIfNeeded(scope: Construct, spec: ClusterSpec): void {
  if (!spec.rackIdFromNodeApi) return;
  const name = spec.names.nodeReaderClusterRole;
  const metadata = { name, labels: clusterObjectLabels(spec) };
  withoutNamespace(new k8s.KubeClusterRole(scope, 'NodeReader', {
    metadata,
    // Read the rack label of the Kubernetes node a Redis Enterprise pod runs on.
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
  }));
  withoutNamespace(new k8s.KubeClusterRoleBinding(scope, 'NodeReaderBinding', {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: spec.names.cluster, namespace: spec.namespace }],
  }));
}
