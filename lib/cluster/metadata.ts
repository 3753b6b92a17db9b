import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { clusterLabels } from './labels';

/**
 * Metadata of an object owned by the cluster: its explicit name, the
 * namespace, the operator's labels plus extraLabels, and extraAnnotations.
 * Library labels come last so extraLabels can never override them.
 */
export function clusterObjectMeta(spec: ClusterSpec, name: string, labels: { [key: string]: string } = {}): k8s.ObjectMeta {
  const annotations = spec.extraAnnotations;
  return {
    name,
    namespace: spec.namespace,
    labels: { ...spec.extraLabels, ...clusterLabels(spec.name), ...labels },
    ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}
