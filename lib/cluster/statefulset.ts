import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels } from '../contract/labels';
import { clusterObjectMeta } from './metadata';
import { FLASH_VOLUME_NAME, STORAGE_VOLUME_NAME } from '../contract/names';
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
      // OnDelete: a new image changes the pod template and nothing else. The
      // StatefulSet controller would roll every pod as soon as the previous
      // one is Ready, with no look at Redis Enterprise; instead the leader's
      // rolling-upgrade duty deletes one pod at a time, highest ordinal first,
      // and only once the previously replaced node rejoined on the new
      // version, its shards are back and every database is active
      // (lib/reconciler/duties/rolling-upgrade-duty.ts). A pod recreated for
      // any other reason (a crash, a scale-out) starts from the new template.
      updateStrategy: { type: 'OnDelete' },
      // Data outlives the pods: claims stay on scale-down and on deletion.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: nodePodTemplate(spec),
      volumeClaimTemplates: claimTemplates(spec).map((t) => t.template),
    }),
  });
  // Without apiVersion and kind in the claim template Argo CD shows the
  // StatefulSet OutOfSync forever (argo-cd#16707); the L1 types lack both fields.
  claimTemplates(spec).forEach((_, i) => statefulSet.addJsonPatch(
    JsonPatch.add(`/spec/volumeClaimTemplates/${i}/apiVersion`, 'v1'),
    JsonPatch.add(`/spec/volumeClaimTemplates/${i}/kind`, 'PersistentVolumeClaim')));
  return statefulSet;
}

/**
 * The claim templates' names and sizes: the StatefulSet's templates and the
 * desired state's `volumeClaims` (what the reconciler expands claims to) both
 * come from here.
 */
export function claimTemplateSizes(spec: ClusterSpec): Array<{ name: string; storageClassName?: string; size: string }> {
  return [
    { name: STORAGE_VOLUME_NAME, storageClassName: spec.storageClassName, size: spec.volumeSize },
    ...(spec.autoTiering ? [{ name: FLASH_VOLUME_NAME, storageClassName: spec.autoTiering.storageClassName, size: spec.flashDiskSize ?? '' }] : []),
  ];
}

/** The persistent volume of every node, and with Auto Tiering its flash volume. */
function claimTemplates(spec: ClusterSpec): Array<{ template: k8s.KubePersistentVolumeClaimProps }> {
  const claim = (name: string, storageClassName: string | undefined, size: string) => ({
    template: {
      // Immutable once created: extraLabels stay off, so a label change never wedges the StatefulSet.
      metadata: { name, labels: nodeSelectorLabels(spec.name) },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(storageClassName ? { storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    },
  });
  return claimTemplateSizes(spec).map((c) => claim(c.name, c.storageClassName, c.size));
}
