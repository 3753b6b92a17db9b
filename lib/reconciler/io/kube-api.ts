/**
 * The Kubernetes operations the reconciler performs, as a small interface.
 *
 * `kube-client.ts` implements it over HTTPS (`kube-http-client.ts`); tests
 * run it against a real kube-apiserver. Every method is namespaced to the
 * reconciler's own namespace except {@link KubeApi.getNode}. The list of
 * methods IS the RBAC surface: README.md maps each one to its rule.
 */
import {
  ConfigMap, EndpointSlice, KubeEvent, KubeNode, Lease, PersistentVolumeClaim, Pod, Secret, StatefulSet,
} from './kube-types';

/** A failed Kubernetes call with its HTTP status (0 when no answer came). */
export class KubeApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export function isNotFound(e: unknown): boolean { return e instanceof KubeApiError && e.status === 404; }
export function isConflict(e: unknown): boolean { return e instanceof KubeApiError && e.status === 409; }
export function isForbidden(e: unknown): boolean { return e instanceof KubeApiError && e.status === 403; }
export function isGone(e: unknown): boolean { return e instanceof KubeApiError && e.status === 410; }

export type WatchKind = 'configmaps' | 'pods' | 'secrets' | 'endpointslices';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; resourceVersion?: string }; code?: number; message?: string };
}

export interface ListResult<T> { items: T[]; resourceVersion: string }

export interface WatchHandle { stop(): void }

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  /** Called for every event, in order. */
  onEvent(event: WatchEvent): void;
  /** Called once when the stream ends, with the error if it failed (a KubeApiError 410 when expired). */
  onClose(error?: unknown): void;
}

export interface KubeApi {
  getConfigMap(name: string): Promise<ConfigMap | undefined>;
  createConfigMap(cm: ConfigMap): Promise<ConfigMap>;
  /** Replaces with optimistic concurrency: a stale resourceVersion gives a 409. */
  replaceConfigMap(cm: ConfigMap): Promise<ConfigMap>;

  getSecret(name: string): Promise<Secret | undefined>;
  /** A 409 means someone else created it first: never overwrite it. */
  createSecret(secret: Secret): Promise<Secret>;

  listPods(labelSelector: string): Promise<ListResult<Pod>>;
  /** JSON merge patch of labels; a null value removes the label. */
  patchPodLabels(name: string, labels: Record<string, string | null>): Promise<void>;
  /** Deletes the pod only while it is the instance with `uid` (a precondition: a pod recreated meanwhile stays). */
  deletePod(name: string, uid: string): Promise<void>;
  /** JSON merge patch of annotations (the sidecar reports on its own pod). */
  patchPodAnnotations(name: string, annotations: Record<string, string | null>): Promise<void>;

  /** Cluster-scoped; only used for rack awareness without RACK_ID. */
  getNode(name: string): Promise<KubeNode | undefined>;

  /** The node pods' claims (get with resourceNames), for volume expansion. */
  getPersistentVolumeClaim(name: string): Promise<PersistentVolumeClaim | undefined>;
  /** JSON merge patch of `spec.resources.requests.storage`; the PersistentVolumeClaimResize admission answers 403 when the StorageClass cannot expand. */
  patchPersistentVolumeClaimStorage(name: string, size: string): Promise<PersistentVolumeClaim>;
  /** The `<rec>` StatefulSet (apps/v1), for volume expansion. */
  getStatefulSet(name: string): Promise<StatefulSet | undefined>;
  /** Deletes it with `propagationPolicy: Orphan` (its pods and claims stay), only if its uid is still `uid`. */
  deleteStatefulSetOrphan(name: string, uid: string): Promise<void>;

  listEndpointSlices(labelSelector: string): Promise<ListResult<EndpointSlice>>;
  createEndpointSlice(slice: EndpointSlice): Promise<EndpointSlice>;
  replaceEndpointSlice(slice: EndpointSlice): Promise<EndpointSlice>;
  deleteEndpointSlice(name: string): Promise<void>;

  getLease(name: string): Promise<Lease | undefined>;
  createLease(lease: Lease): Promise<Lease>;
  replaceLease(lease: Lease): Promise<Lease>;

  createEvent(event: KubeEvent): Promise<void>;

  /** Lists one kind (for the watch's starting resourceVersion). */
  list(kind: WatchKind, selectors: { labelSelector?: string; fieldSelector?: string }): Promise<ListResult<unknown>>;
  watch(kind: WatchKind, options: WatchOptions): Promise<WatchHandle>;
}
