/**
 * Wraps a KubeApi to count writes per verb and resource in the metrics: the
 * "zero writes at steady state" promise is measured by this counter.
 */
import { KubeApi } from './kube-api';
import { M, Metrics } from '../runtime/metrics';

const WRITES: Record<string, [string, string]> = {
  createConfigMap: ['create', 'configmaps'],
  replaceConfigMap: ['update', 'configmaps'],
  createSecret: ['create', 'secrets'],
  patchPodLabels: ['patch', 'pods'],
  patchPersistentVolumeClaimStorage: ['patch', 'persistentvolumeclaims'],
  deleteStatefulSetOrphan: ['delete', 'statefulsets'],
  deletePod: ['delete', 'pods'],
  patchPodAnnotations: ['patch', 'pods'],
  createEndpointSlice: ['create', 'endpointslices'],
  replaceEndpointSlice: ['update', 'endpointslices'],
  deleteEndpointSlice: ['delete', 'endpointslices'],
  createLease: ['create', 'leases'],
  replaceLease: ['update', 'leases'],
  createEvent: ['create', 'events'],
};

export function countingKube(inner: KubeApi, metrics: Metrics): KubeApi {
  metrics.declare(M.kubeWrites, 'counter', 'Kubernetes API writes, by verb and resource');
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      const w = typeof prop === 'string' ? WRITES[prop] : undefined;
      if (!w || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        metrics.inc(M.kubeWrites, { verb: w[0], resource: w[1] });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
