import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels } from './labels';
import { clusterObjectMeta } from './metadata';
import { STORAGE_VOLUME_NAME } from './names';
import { nodePodTemplate } from './node-pod';

/** The StatefulSet `<rec>`: one pod per Redis Enterprise node. */
export function addNodeStatefulSet(scope: Construct, spec: ClusterSpec): ApiObject {
  // A plain ApiObject rather than k8s.KubeStatefulSet: the L1 class re-serializes
  // its props after JSON patches and would drop the claim template's apiVersion/kind.
  const statefulSet = new ApiObject(scope, 'StatefulSet', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: clusterObjectMeta(spec, spec.names.cluster),
    spec: k8s.toJson_StatefulSetSpec({
      replicas: spec.nodes,
      serviceName: spec.names.nodesService,
      selector: { matchLabels: nodeSelectorLabels(spec.name) },
      // Node 0 creates the Redis Enterprise cluster and the others join it one
      // by one, each after the previous one is Ready (= has joined).
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      // Data outlives the pods: claims stay on scale-down and on deletion.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: nodePodTemplate(spec),
      volumeClaimTemplates: [{
        metadata: { name: STORAGE_VOLUME_NAME, labels: { ...spec.extraLabels, ...nodeSelectorLabels(spec.name) } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(spec.storageClassName ? { storageClassName: spec.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(spec.volumeSize) } },
        },
      }],
    }),
  });
  // Without apiVersion and kind in the claim template Argo CD shows the
  // StatefulSet OutOfSync forever (argo-cd#16707); the L1 types lack both fields.
  statefulSet.addJsonPatch(
    JsonPatch.add('/spec/volumeClaimTemplates/0/apiVersion', 'v1'),
    JsonPatch.add('/spec/volumeClaimTemplates/0/kind', 'PersistentVolumeClaim'));
  return statefulSet;
}
