/**
 * What the CSI external-resizer and the kubelet do for a claim that asks for
 * more than its capacity, for the harness's hostPath PVs (no CSI driver
 * runs here, so nothing else would). kube-controller-manager's expand
 * controller sees such a claim too, finds no in-tree plugin that can expand
 * a hostPath volume and leaves it "waiting for an external controller to
 * expand this PVC" (Event ExternalExpanding): this is that controller.
 *
 * The steps and fields follow k8s.io/kubernetes pkg/volume/util/resize_util.go
 * (v1.36, RecoverVolumeExpansionFailure GA since 1.34), each a separate write
 * so that a watcher sees every stage:
 *   1. claim status: condition `Resizing` True, `allocatedResources.storage`
 *      = the request, `allocatedResourceStatuses.storage` =
 *      ControllerResizeInProgress, annotation volume.kubernetes.io/storage-resizer;
 *   2. the PV's `spec.capacity.storage` = the request (ControllerExpandVolume done);
 *   3. claim status: condition `FileSystemResizePending` True ("Waiting for user
 *      to (re-)start a pod to finish file system resize of volume on node."),
 *      `allocatedResourceStatuses.storage` = NodeResizePending;
 *   4. only while a Running pod mounts the claim (online expansion by its
 *      kubelet): NodeResizeInProgress, then `status.capacity.storage` = the
 *      request, the resize conditions and the storage resource status removed.
 * Only claims of a StorageClass with `allowVolumeExpansion: true` are
 * touched (the admission refuses the request growth for the others anyway).
 */
import { KubeClient, KubeObject } from '../../support/kube-client';
import { quantityBytes } from '../../../lib/reconciler/plan/quantity';

export const RESIZER_NAME = 'e2e.cdk8s-redis-enterprise.io/volume-resizer';
const RESIZER_ANNOTATION = 'volume.kubernetes.io/storage-resizer';
const RESIZE_CONDITIONS = new Set(['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError']);
const FS_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

export interface ResizeRecord { at: number; claim: string; what: string }

export interface VolumeResizerOptions {
  client: KubeClient;
  namespace: string;
  /** Pause between two steps of one claim (a real resize takes seconds to minutes). @default 300 */
  stepMs?: number;
  /** @default 100 */
  pollMs?: number;
}

export class VolumeResizer {
  /** Every step taken, in order. */
  readonly history: ResizeRecord[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly lastStep = new Map<string, number>();

  private constructor(private readonly o: Required<VolumeResizerOptions>) {
    this.loop = this.run();
  }

  static start(o: VolumeResizerOptions): VolumeResizer {
    return new VolumeResizer({ stepMs: 300, pollMs: 100, ...o });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pass();
      } catch (e) {
        this.history.push({ at: Date.now(), claim: '-', what: `error: ${(e as Error).message}` });
      }
      await new Promise((r) => setTimeout(r, this.o.pollMs));
    }
  }

  private async pass(): Promise<void> {
    const { client, namespace } = this.o;
    const claims = await client.list('v1', 'PersistentVolumeClaim', namespace);
    if (!claims.some((c) => this.wantsMore(c))) return;
    const classes = new Map((await client.list('storage.k8s.io/v1', 'StorageClass')).map((sc) => [sc.metadata.name, sc]));
    const pods = await client.list('v1', 'Pod', namespace);
    for (const claim of claims) {
      if (!this.wantsMore(claim) || classes.get(claim.spec.storageClassName)?.allowVolumeExpansion !== true) continue;
      if (Date.now() - (this.lastStep.get(claim.metadata.name) ?? 0) < this.o.stepMs) continue;
      await this.step(claim, pods);
    }
  }

  private wantsMore(claim: KubeObject): boolean {
    return claim.status?.phase === 'Bound'
      && (quantityBytes(claim.spec.resources?.requests?.storage) ?? 0) > (quantityBytes(claim.status?.capacity?.storage) ?? 0);
  }

  /** One step of one claim, chosen from where its status stands. */
  private async step(claim: KubeObject, pods: KubeObject[]): Promise<void> {
    const name = claim.metadata.name;
    const size = claim.spec.resources.requests.storage;
    const state = claim.status?.allocatedResourceStatuses?.storage;
    const conditions = (claim.status?.conditions ?? []) as Array<{ type: string }>;
    const others = conditions.filter((c) => !RESIZE_CONDITIONS.has(c.type));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: this.o.namespace, name };
    const record = (what: string) => { this.lastStep.set(name, Date.now()); this.history.push({ at: Date.now(), claim: name, what }); };
    // A resourceVersion in the patch: a stale view fails with 409 instead of overwriting (resize_util's PatchPVCStatus).
    const status = (s: Record<string, unknown>, metadata: Record<string, unknown> = {}) => this.o.client.patch(
      ref, { metadata: { resourceVersion: claim.metadata.resourceVersion, ...metadata }, status: s }, 'application/merge-patch+json', 'status');

    if (state === undefined || claim.status?.allocatedResources?.storage !== size) {
      await status({
        conditions: [...others, { type: 'Resizing', status: 'True', lastTransitionTime: now }],
        allocatedResources: { storage: size },
        allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
      }, { annotations: { [RESIZER_ANNOTATION]: RESIZER_NAME } });
      record(`Resizing to ${size}`);
    } else if (state === 'ControllerResizeInProgress') {
      await this.o.client.patch({ apiVersion: 'v1', kind: 'PersistentVolume', name: claim.spec.volumeName }, { spec: { capacity: { storage: size } } });
      await status({
        conditions: [...others, { type: 'FileSystemResizePending', status: 'True', lastTransitionTime: now, message: FS_PENDING_MESSAGE }],
        allocatedResourceStatuses: { storage: 'NodeResizePending' },
      });
      record(`PV ${claim.spec.volumeName} expanded to ${size}; FileSystemResizePending`);
    } else if (state === 'NodeResizePending' && mountedByRunningPod(name, pods)) {
      await status({ allocatedResourceStatuses: { storage: 'NodeResizeInProgress' } });
      record('NodeResizeInProgress');
    } else if (state === 'NodeResizeInProgress') {
      await status({ capacity: { storage: size }, conditions: others.length > 0 ? others : null, allocatedResourceStatuses: null });
      record(`capacity ${size}`);
    }
  }
}

function mountedByRunningPod(claim: string, pods: KubeObject[]): boolean {
  return pods.some((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp
    && (p.spec.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === claim));
}
