/**
 * {@link KubeApi} over `@kubernetes/client-node`. The only module that imports
 * the client (ESM-only, loaded by Node's require(esm) at run time); nothing
 * that jest loads may import this file.
 *
 * Errors become {@link KubeApiError} with the HTTP status and the API
 * server's short `message` only: the client's own error text embeds the whole
 * response body and headers, which have no place in logs.
 */
import * as k8s from '@kubernetes/client-node';
import { KubeApi, KubeApiError, ListResult, WatchHandle, WatchKind, WatchOptions } from './kube-api';
import { ConfigMap, EndpointSlice, KubeEvent, KubeNode, Lease, Pod, Secret } from './kube-types';

function toKubeError(e: unknown): KubeApiError {
  if (e instanceof KubeApiError) return e;
  const anyE = e as { code?: number; statusCode?: number; body?: unknown; message?: string };
  const status = typeof anyE.code === 'number' ? anyE.code : typeof anyE.statusCode === 'number' ? anyE.statusCode : 0;
  let message = '';
  const body = anyE.body;
  if (typeof body === 'string') {
    try { message = (JSON.parse(body) as { message?: string }).message ?? ''; } catch { message = ''; }
  } else if (body && typeof body === 'object') message = (body as { message?: string }).message ?? '';
  if (!message) message = status ? `HTTP ${status}` : (anyE.message ?? String(e)).split('\n')[0];
  return new KubeApiError(status, message);
}

async function call<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw toKubeError(e);
  }
}

async function maybe<T>(op: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(op);
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    throw e;
  }
}

const PATHS: Record<WatchKind, (ns: string) => string> = {
  configmaps: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
  pods: (ns) => `/api/v1/namespaces/${ns}/pods`,
  secrets: (ns) => `/api/v1/namespaces/${ns}/secrets`,
  endpointslices: (ns) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
};

/** Loads a kubeconfig file when given, else the in-cluster service account. */
export function loadKubeConfig(kubeconfig?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromCluster();
  return kc;
}

export function createKubeApi(kc: k8s.KubeConfig, namespace: string): KubeApi {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  const watcher = new k8s.Watch(kc);
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const ns = namespace;
  const asList = <T>(r: { items: unknown[]; metadata?: { resourceVersion?: string } }): ListResult<T> =>
    ({ items: r.items as T[], resourceVersion: r.metadata?.resourceVersion ?? '' });

  const api: KubeApi = {
    getConfigMap: (name) => maybe(() => core.readNamespacedConfigMap({ name, namespace: ns })) as Promise<ConfigMap | undefined>,
    createConfigMap: (cm) => call(() => core.createNamespacedConfigMap({ namespace: ns, body: cm as k8s.V1ConfigMap })) as Promise<ConfigMap>,
    replaceConfigMap: (cm) => call(() => core.replaceNamespacedConfigMap({ name: cm.metadata.name, namespace: ns, body: cm as k8s.V1ConfigMap })) as Promise<ConfigMap>,

    getSecret: (name) => maybe(() => core.readNamespacedSecret({ name, namespace: ns })) as Promise<Secret | undefined>,
    createSecret: (s) => call(() => core.createNamespacedSecret({ namespace: ns, body: s as k8s.V1Secret })) as Promise<Secret>,

    listPods: async (labelSelector) => asList<Pod>(await call(() => core.listNamespacedPod({ namespace: ns, labelSelector }))),
    patchPodLabels: async (name, labels) => {
      await call(() => core.patchNamespacedPod({ name, namespace: ns, body: { metadata: { labels } } }, mergePatch));
    },

    getNode: (name) => maybe(() => core.readNode({ name })) as Promise<KubeNode | undefined>,

    listEndpointSlices: async (labelSelector) => asList<EndpointSlice>(await call(() => discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector }))),
    createEndpointSlice: (s) => call(() => discovery.createNamespacedEndpointSlice({ namespace: ns, body: s as k8s.V1EndpointSlice })) as Promise<EndpointSlice>,
    replaceEndpointSlice: (s) => call(() => discovery.replaceNamespacedEndpointSlice({ name: s.metadata.name, namespace: ns, body: s as k8s.V1EndpointSlice })) as Promise<EndpointSlice>,
    deleteEndpointSlice: async (name) => { await call(() => discovery.deleteNamespacedEndpointSlice({ name, namespace: ns })); },

    getLease: (name) => maybe(() => coordination.readNamespacedLease({ name, namespace: ns })) as Promise<Lease | undefined>,
    createLease: (l) => call(() => coordination.createNamespacedLease({ namespace: ns, body: l as unknown as k8s.V1Lease })) as unknown as Promise<Lease>,
    replaceLease: (l) => call(() => coordination.replaceNamespacedLease({ name: l.metadata.name, namespace: ns, body: l as unknown as k8s.V1Lease })) as unknown as Promise<Lease>,

    createEvent: async (ev: KubeEvent) => {
      await call(() => core.createNamespacedEvent({ namespace: ns, body: ev as unknown as k8s.CoreV1Event }));
    },

    list: async (kind, { labelSelector, fieldSelector }) => {
      const p = { namespace: ns, labelSelector, fieldSelector, limit: undefined };
      switch (kind) {
        case 'configmaps': return asList(await call(() => core.listNamespacedConfigMap(p)));
        case 'pods': return asList(await call(() => core.listNamespacedPod(p)));
        case 'secrets': return asList(await call(() => core.listNamespacedSecret(p)));
        case 'endpointslices': return asList(await call(() => discovery.listNamespacedEndpointSlice(p)));
      }
    },

    watch: async (kind: WatchKind, o: WatchOptions): Promise<WatchHandle> => {
      const controller = await watcher.watch(
        PATHS[kind](ns),
        { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, resourceVersion: o.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
        (type, object) => o.onEvent({ type: type as 'ADDED', object }),
        (err) => o.onClose(err ? toKubeError(err) : undefined),
      );
      return { stop: () => controller.abort() };
    },
  };
  return api;
}
