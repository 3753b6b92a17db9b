/**
 * {@link KubeApi} over {@link KubeHttpClient}: each method is one documented
 * REST call of the Kubernetes API (core/v1, discovery.k8s.io/v1,
 * coordination.k8s.io/v1, apps/v1), namespaced to the reconciler's namespace except
 * `getNode`. Objects pass through as plain JSON.
 */
import { KubeApi, KubeApiError, ListResult, WatchHandle, WatchKind, WatchOptions } from './kube-api';
import { KubeConnection } from './kube-config';
import { KubeHttpClient, KubeHttpOptions } from './kube-http-client';
import { ConfigMap, EndpointSlice, KubeEvent, KubeNode, Lease, PersistentVolumeClaim, Pod, Secret, StatefulSet } from './kube-types';

/** How long the server keeps a watch open before ending it (the watcher then resumes). */
export const WATCH_TIMEOUT_SECONDS = 300;

const CORE = '/api/v1';
const DISCOVERY = '/apis/discovery.k8s.io/v1';
const COORDINATION = '/apis/coordination.k8s.io/v1';
const APPS = '/apis/apps/v1';

const COLLECTIONS: Record<WatchKind | 'leases' | 'events' | 'persistentvolumeclaims' | 'statefulsets', string> = {
  configmaps: `${CORE}/%ns/configmaps`,
  pods: `${CORE}/%ns/pods`,
  secrets: `${CORE}/%ns/secrets`,
  events: `${CORE}/%ns/events`,
  endpointslices: `${DISCOVERY}/%ns/endpointslices`,
  leases: `${COORDINATION}/%ns/leases`,
  persistentvolumeclaims: `${CORE}/%ns/persistentvolumeclaims`,
  statefulsets: `${APPS}/%ns/statefulsets`,
};

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    throw e;
  }
}

interface RawList<T> { items?: T[]; metadata?: { resourceVersion?: string } }

export class KubeClient implements KubeApi {
  readonly http: KubeHttpClient;
  private readonly ns: string;

  constructor(conn: KubeConnection, namespace: string, options?: KubeHttpOptions) {
    this.http = new KubeHttpClient(conn, options);
    this.ns = `namespaces/${encodeURIComponent(namespace)}`;
  }

  /** Closes idle connections. */
  close(): void {
    this.http.close();
  }

  private collection(kind: keyof typeof COLLECTIONS): string {
    return COLLECTIONS[kind].replace('%ns', this.ns);
  }

  private item(kind: keyof typeof COLLECTIONS, name: string): string {
    return `${this.collection(kind)}/${encodeURIComponent(name)}`;
  }

  private get<T>(kind: keyof typeof COLLECTIONS, name: string): Promise<T | undefined> {
    return orUndefined(this.http.request<T>('GET', this.item(kind, name)));
  }

  private create<T>(kind: keyof typeof COLLECTIONS, body: unknown): Promise<T> {
    return this.http.request<T>('POST', this.collection(kind), body);
  }

  private replace<T extends { metadata: { name: string } }>(kind: keyof typeof COLLECTIONS, body: T): Promise<T> {
    return this.http.request<T>('PUT', this.item(kind, body.metadata.name), body);
  }

  async list<T = unknown>(kind: WatchKind, s: { labelSelector?: string; fieldSelector?: string }): Promise<ListResult<T>> {
    const raw = await this.http.request<RawList<T>>('GET', `${this.collection(kind)}${query(s)}`);
    return { items: raw.items ?? [], resourceVersion: raw.metadata?.resourceVersion ?? '' };
  }

  getConfigMap(name: string) { return this.get<ConfigMap>('configmaps', name); }
  createConfigMap(cm: ConfigMap) { return this.create<ConfigMap>('configmaps', cm); }
  replaceConfigMap(cm: ConfigMap) { return this.replace('configmaps', cm); }

  getSecret(name: string) { return this.get<Secret>('secrets', name); }
  createSecret(secret: Secret) { return this.create<Secret>('secrets', secret); }

  listPods(labelSelector: string) { return this.list<Pod>('pods', { labelSelector }); }
  async patchPodLabels(name: string, labels: Record<string, string | null>): Promise<void> {
    await this.http.request('PATCH', this.item('pods', name), { metadata: { labels } }, 'application/merge-patch+json');
  }

  async deletePod(name: string, uid: string): Promise<void> {
    await this.http.request('DELETE', this.item('pods', name), { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } });
  }

  async patchPodAnnotations(name: string, annotations: Record<string, string | null>): Promise<void> {
    await this.http.request('PATCH', this.item('pods', name), { metadata: { annotations } }, 'application/merge-patch+json');
  }

  getNode(name: string) { return orUndefined(this.http.request<KubeNode>('GET', `${CORE}/nodes/${encodeURIComponent(name)}`)); }

  getPersistentVolumeClaim(name: string) { return this.get<PersistentVolumeClaim>('persistentvolumeclaims', name); }
  patchPersistentVolumeClaimStorage(name: string, size: string): Promise<PersistentVolumeClaim> {
    const body = { spec: { resources: { requests: { storage: size } } } };
    return this.http.request<PersistentVolumeClaim>('PATCH', this.item('persistentvolumeclaims', name), body, 'application/merge-patch+json');
  }

  getStatefulSet(name: string) { return this.get<StatefulSet>('statefulsets', name); }
  async deleteStatefulSetOrphan(name: string, uid: string): Promise<void> {
    // DeleteOptions: orphan the dependents (pods, ControllerRevisions); the precondition never deletes a newer StatefulSet of the same name.
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid } };
    await this.http.request('DELETE', this.item('statefulsets', name), body);
  }

  listEndpointSlices(labelSelector: string) { return this.list<EndpointSlice>('endpointslices', { labelSelector }); }
  createEndpointSlice(slice: EndpointSlice) { return this.create<EndpointSlice>('endpointslices', slice); }
  replaceEndpointSlice(slice: EndpointSlice) { return this.replace('endpointslices', slice); }
  async deleteEndpointSlice(name: string): Promise<void> {
    await this.http.request('DELETE', this.item('endpointslices', name));
  }

  getLease(name: string) { return this.get<Lease>('leases', name); }
  createLease(lease: Lease) { return this.create<Lease>('leases', lease); }
  replaceLease(lease: Lease) { return this.replace('leases', lease); }

  async createEvent(event: KubeEvent): Promise<void> {
    await this.create('events', event);
  }

  async watch(kind: WatchKind, o: WatchOptions): Promise<WatchHandle> {
    const path = `${this.collection(kind)}${query({
      watch: 1,
      allowWatchBookmarks: true,
      timeoutSeconds: WATCH_TIMEOUT_SECONDS,
      resourceVersion: o.resourceVersion,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
    })}`;
    return this.http.watch(path, (e) => o.onEvent(e), (error) => o.onClose(error));
  }
}

export function createKubeApi(conn: KubeConnection, namespace: string): KubeClient {
  return new KubeClient(conn, namespace);
}
