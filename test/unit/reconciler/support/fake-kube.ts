/**
 * In-memory fake of the reconciler's KubeApi, with the API server behaviours
 * the reconciler relies on: resourceVersions and 409 on a stale replace or a
 * duplicate create, Secrets' stringData stored as base64 data, JSON merge
 * patch of labels, label/field selectors (equality only), and watches that
 * deliver ADDED/MODIFIED/DELETED events, can be expired (410) or cut.
 * Test code only.
 */
import {
  KubeApi, KubeApiError, ListResult, WatchHandle, WatchKind, WatchOptions,
} from '../../../../lib/reconciler/io/kube-api';
import {
  ConfigMap, EndpointSlice, KubeEvent, KubeNode, Lease, ObjectMeta, Pod, Secret,
} from '../../../../lib/reconciler/io/kube-types';

type Kind = WatchKind | 'leases' | 'events' | 'nodes';
interface Obj { metadata: ObjectMeta; [k: string]: unknown }

function matchesLabels(obj: Obj, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return obj.metadata.labels?.[k] === v;
  });
}

function matchesFields(obj: Obj, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k === 'metadata.name' ? obj.metadata.name === v : true;
  });
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

interface Watcher { kind: Kind; options: WatchOptions; closed: boolean }

export class FakeKube implements KubeApi {
  private rv = 100;
  private readonly store = new Map<Kind, Map<string, Obj>>();
  private readonly watchers = new Set<Watcher>();
  /** Every write, in order, as "verb kind/name". */
  readonly writes: string[] = [];
  /** Calls that fail next, by method name, with the given status (e.g. 500 for an API server restart). */
  readonly failNext = new Map<string, { status: number; times: number }>();
  /** When false, every call fails with status 0 (API server down). */
  up = true;

  constructor(readonly namespace: string) {}

  private bucket(kind: Kind): Map<string, Obj> {
    let b = this.store.get(kind);
    if (!b) {
      b = new Map();
      this.store.set(kind, b);
    }
    return b;
  }

  private check(method: string): void {
    if (!this.up) throw new KubeApiError(0, 'connect ECONNREFUSED (fake API server down)');
    const f = this.failNext.get(method);
    if (f && f.times > 0) {
      f.times--;
      throw new KubeApiError(f.status, `injected failure of ${method}`);
    }
  }

  private emit(kind: Kind, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: Obj): void {
    for (const w of this.watchers) {
      if (w.closed || w.kind !== kind) continue;
      if (!matchesLabels(obj, w.options.labelSelector) || !matchesFields(obj, w.options.fieldSelector)) continue;
      const copy = clone(obj);
      // Deliver asynchronously, as a real stream would.
      setImmediate(() => { if (!w.closed) w.options.onEvent({ type, object: copy }); });
    }
  }

  // ---- direct access for tests ----------------------------------------------

  get<T>(kind: Kind, name: string): T | undefined {
    const o = this.bucket(kind).get(name);
    return o ? clone(o) as unknown as T : undefined;
  }

  all<T>(kind: Kind): T[] {
    return [...this.bucket(kind).values()].map((o) => clone(o) as unknown as T);
  }

  /** Creates or replaces without checks (as kubectl apply / another controller would). */
  put(kind: Kind, obj: Obj): void {
    const b = this.bucket(kind);
    const existed = b.has(obj.metadata.name);
    const stored = this.normalize(kind, clone(obj));
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid ??= b.get(obj.metadata.name)?.metadata.uid ?? `uid-${kind}-${obj.metadata.name}-${this.rv}`;
    b.set(obj.metadata.name, stored);
    this.emit(kind, existed ? 'MODIFIED' : 'ADDED', stored);
  }

  remove(kind: Kind, name: string): void {
    const b = this.bucket(kind);
    const o = b.get(name);
    if (!o) return;
    b.delete(name);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit(kind, 'DELETED', o);
  }

  /** Ends every open watch with 410 Gone (resourceVersion too old). */
  expireWatches(): void {
    for (const w of this.watchers) {
      if (w.closed) continue;
      w.closed = true;
      setImmediate(() => w.options.onEvent({ type: 'ERROR', object: { code: 410, message: 'too old resource version' } }));
    }
  }

  /** Cuts every open watch with a connection error (API server restart). */
  cutWatches(): void {
    for (const w of this.watchers) {
      if (w.closed) continue;
      w.closed = true;
      setImmediate(() => w.options.onClose(new KubeApiError(0, 'socket hang up')));
    }
  }

  openWatches(): number {
    return [...this.watchers].filter((w) => !w.closed).length;
  }

  private normalize(kind: Kind, o: Obj): Obj {
    if (kind === 'secrets' && o.stringData) {
      const data: Record<string, string> = { ...(o.data as Record<string, string> | undefined) };
      for (const [k, v] of Object.entries(o.stringData as Record<string, string>)) data[k] = Buffer.from(v).toString('base64');
      o.data = data;
      delete o.stringData;
    }
    o.metadata.namespace = kind === 'nodes' ? undefined : this.namespace;
    return o;
  }

  private create<T>(kind: Kind, obj: Obj, method: string): T {
    this.check(method);
    if (this.bucket(kind).has(obj.metadata.name)) throw new KubeApiError(409, `${kind} "${obj.metadata.name}" already exists`);
    this.writes.push(`create ${kind}/${obj.metadata.name}`);
    this.put(kind, { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } });
    return this.get<T>(kind, obj.metadata.name)!;
  }

  private replace<T>(kind: Kind, obj: Obj, method: string): T {
    this.check(method);
    const live = this.bucket(kind).get(obj.metadata.name);
    if (!live) throw new KubeApiError(404, `${kind} "${obj.metadata.name}" not found`);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== live.metadata.resourceVersion) {
      throw new KubeApiError(409, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    this.writes.push(`update ${kind}/${obj.metadata.name}`);
    this.put(kind, { ...obj, metadata: { ...obj.metadata, uid: live.metadata.uid } });
    return this.get<T>(kind, obj.metadata.name)!;
  }

  private read<T>(kind: Kind, name: string, method: string): T | undefined {
    this.check(method);
    return this.get<T>(kind, name);
  }

  private listOf<T>(kind: Kind, labelSelector?: string, fieldSelector?: string): ListResult<T> {
    const items = [...this.bucket(kind).values()]
      .filter((o) => matchesLabels(o, labelSelector) && matchesFields(o, fieldSelector))
      .map((o) => clone(o) as unknown as T);
    return { items, resourceVersion: String(this.rv) };
  }

  // ---- KubeApi ----------------------------------------------------------------

  async getConfigMap(name: string) { return this.read<ConfigMap>('configmaps', name, 'getConfigMap'); }
  async createConfigMap(cm: ConfigMap) { return this.create<ConfigMap>('configmaps', cm as unknown as Obj, 'createConfigMap'); }
  async replaceConfigMap(cm: ConfigMap) { return this.replace<ConfigMap>('configmaps', cm as unknown as Obj, 'replaceConfigMap'); }
  async getSecret(name: string) { return this.read<Secret>('secrets', name, 'getSecret'); }
  async createSecret(s: Secret) { return this.create<Secret>('secrets', s as unknown as Obj, 'createSecret'); }
  async listPods(labelSelector: string) { this.check('listPods'); return this.listOf<Pod>('pods', labelSelector); }
  async patchPodLabels(name: string, labels: Record<string, string | null>) {
    this.check('patchPodLabels');
    const live = this.bucket('pods').get(name);
    if (!live) throw new KubeApiError(404, `pod "${name}" not found`);
    const next = clone(live);
    const merged: Record<string, string> = { ...next.metadata.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    next.metadata.labels = merged;
    this.writes.push(`patch pods/${name}`);
    this.put('pods', next);
  }
  async getNode(name: string) { return this.read<KubeNode>('nodes', name, 'getNode'); }
  async listEndpointSlices(labelSelector: string) { this.check('listEndpointSlices'); return this.listOf<EndpointSlice>('endpointslices', labelSelector); }
  async createEndpointSlice(s: EndpointSlice) { return this.create<EndpointSlice>('endpointslices', s as unknown as Obj, 'createEndpointSlice'); }
  async replaceEndpointSlice(s: EndpointSlice) { return this.replace<EndpointSlice>('endpointslices', s as unknown as Obj, 'replaceEndpointSlice'); }
  async deleteEndpointSlice(name: string) {
    this.check('deleteEndpointSlice');
    if (!this.bucket('endpointslices').has(name)) throw new KubeApiError(404, 'not found');
    this.writes.push(`delete endpointslices/${name}`);
    this.remove('endpointslices', name);
  }
  async getLease(name: string) { return this.read<Lease>('leases', name, 'getLease'); }
  async createLease(l: Lease) { return this.create<Lease>('leases', l as unknown as Obj, 'createLease'); }
  async replaceLease(l: Lease) { return this.replace<Lease>('leases', l as unknown as Obj, 'replaceLease'); }
  async createEvent(e: KubeEvent) { this.create('events', e as unknown as Obj, 'createEvent'); }
  async list(kind: WatchKind, s: { labelSelector?: string; fieldSelector?: string }) {
    this.check('list');
    return this.listOf<unknown>(kind, s.labelSelector, s.fieldSelector);
  }
  async watch(kind: WatchKind, options: WatchOptions): Promise<WatchHandle> {
    this.check('watch');
    const w: Watcher = { kind, options, closed: false };
    this.watchers.add(w);
    return {
      stop: () => {
        if (w.closed) return;
        w.closed = true;
        this.watchers.delete(w);
        setImmediate(() => options.onClose());
      },
    };
  }
}
