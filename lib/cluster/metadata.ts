import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { clusterLabels } from '../contract/labels';

/** Labels of every object the cluster owns: extraLabels, then the library's (which always win). */
export function clusterObjectLabels(spec: ClusterSpec): { [key: string]: string } {
  return { ...spec.extraLabels, ...clusterLabels(spec.name) };
}

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
    labels: { ...clusterObjectLabels(spec), ...labels },
    ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}

/**
 * cdk8s gives every object its Chart's namespace; a cluster-scoped object
 * (ClusterRole, PriorityClass...) must not carry one, or its YAML misleads
 * reviewers and client-side tools reject it.
 */
export function withoutNamespace<T extends ApiObject>(obj: T): T {
  obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
