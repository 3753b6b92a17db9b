/**
 * Storage for StatefulSet claims without a provisioner: a StorageClass with
 * `kubernetes.io/no-provisioner` and a pool of statically provisioned PVs.
 * The controller-manager's PV binder binds a claim to any Available PV of the
 * class that is large enough. hostPath PVs have no node affinity, so the
 * scheduler can place the pod on any node; the path is never used (no kubelet).
 * Retain keeps a PV Released after its claim is deleted, as production does,
 * so tests top the pool up with ensureAvailableVolumes().
 */
import { randomBytes } from 'crypto';
import { KubeClient, KubeObject } from '../../support/kube-client';

export const STORAGE_CLASS = 'e2e-network';
export const PV_SIZE = '100Gi';

export function storageClassObject(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS },
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
    reclaimPolicy: 'Retain',
  };
}

function pvObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'e2e.cdk8s-redis-enterprise/pool': 'static' } },
    spec: {
      storageClassName: STORAGE_CLASS,
      capacity: { storage: PV_SIZE },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/var/lib/e2e-simulated/${name}`, type: 'DirectoryOrCreate' },
    },
  };
}

export async function addPersistentVolumes(client: KubeClient, count: number): Promise<string[]> {
  const batch = randomBytes(3).toString('hex');
  const names = Array.from({ length: count }, (_, i) => `e2e-pv-${batch}-${i}`);
  for (const name of names) await client.create(pvObject(name));
  return names;
}

/** Makes sure at least `min` PVs of the class are Available (unclaimed); creates the missing ones. */
export async function ensureAvailableVolumes(client: KubeClient, min: number): Promise<void> {
  const pvs = await client.list('v1', 'PersistentVolume');
  const available = pvs.filter(
    (pv) => pv.spec.storageClassName === STORAGE_CLASS && !pv.spec.claimRef && pv.status?.phase !== 'Released',
  ).length;
  if (available < min) await addPersistentVolumes(client, min - available);
}

/**
 * A StorageClass of its own with PVs of exactly `size`, for tests whose claims
 * must be bound to volumes of their requested size (an expansion then really
 * grows the volume; a 100Gi pool PV would already cover a larger request).
 * `allowVolumeExpansion` decides what the PersistentVolumeClaimResize
 * admission lets through. Cluster-scoped: the caller deletes both (`removeSizedStorage`).
 */
export async function addSizedStorage(client: KubeClient, o: { className: string; allowVolumeExpansion: boolean; size: string; count: number }): Promise<string[]> {
  await client.apply([{
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: o.className },
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: o.allowVolumeExpansion,
    reclaimPolicy: 'Retain',
  }], 'e2e-storage');
  const batch = randomBytes(3).toString('hex');
  const names = Array.from({ length: o.count }, (_, i) => `${o.className}-${batch}-${i}`);
  for (const name of names) {
    const pv = pvObject(name);
    await client.create({ ...pv, spec: { ...pv.spec, storageClassName: o.className, capacity: { storage: o.size } } });
  }
  return names;
}

export async function removeSizedStorage(client: KubeClient, className: string): Promise<void> {
  for (const pv of await client.list('v1', 'PersistentVolume')) {
    if (pv.spec.storageClassName === className) await client.delete({ apiVersion: 'v1', kind: 'PersistentVolume', name: pv.metadata.name });
  }
  await client.delete({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className });
}
