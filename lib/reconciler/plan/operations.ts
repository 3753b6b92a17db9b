/**
 * Day-2 operations as the status document reports them: one entry per kind,
 * the latest run of it (running or ended). Every duty that carries out an
 * operation (scale-in, rolling upgrade, volume expansion, quorum recovery,
 * node replacement, credential rotation, database upgrade) reports through
 * one {@link OperationLog} per pass, which keeps `startedAt` across passes
 * and leaders (it starts from the previous status document) and says which
 * entries changed phase, so Events and metrics are emitted once per
 * transition (duties/operation-report.ts), not once per pass.
 *
 * Timestamps are the only clock values in the status document: they change
 * when an operation starts or ends, never at steady state, so an idle
 * cluster still gives a byte-identical document and no write.
 */

export type OperationKind =
  | 'ScaleIn'
  | 'NodeReplacement'
  | 'RollingUpgrade'
  | 'DatabaseUpgrade'
  | 'VolumeExpansion'
  | 'QuorumRecovery'
  | 'CredentialRotation';

/**
 * `Running`: in progress. `Succeeded`: ended as asked. `Blocked`: waiting on a
 * precondition it will not force (quorum, a stuck node, a StorageClass that
 * cannot expand); it resumes by itself once the precondition holds.
 * `Failed`: Redis Enterprise or Kubernetes refused it; retried only when the
 * declaration changes.
 */
export type OperationPhase = 'Running' | 'Succeeded' | 'Blocked' | 'Failed';

export interface OperationStatus {
  kind: OperationKind;
  phase: OperationPhase;
  /** What the operation is about, e.g. `nodes 5 -> 3`, `image 8.0.2-41 -> 8.0.10-64`, `volume 20Gi -> 30Gi`. */
  target: string;
  /** The pod (or database) being handled now, while running or blocked. */
  node?: string;
  message: string;
  /** ISO 8601, second precision. */
  startedAt: string;
  /** Set when the phase is Succeeded or Failed. */
  endedAt?: string;
}

/** A phase change the pass made: what Events and metrics report. */
export interface OperationTransition {
  readonly from?: OperationPhase;
  readonly to: OperationStatus;
}

const ENDED: ReadonlySet<OperationPhase> = new Set(['Succeeded', 'Failed']);

export function isEnded(op: Pick<OperationStatus, 'phase'>): boolean {
  return ENDED.has(op.phase);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class OperationLog {
  private readonly entries = new Map<OperationKind, OperationStatus>();
  private readonly changed: OperationTransition[] = [];

  constructor(previous: readonly OperationStatus[] | undefined, private readonly now: () => number = Date.now) {
    for (const op of previous ?? []) this.entries.set(op.kind, op);
  }

  get(kind: OperationKind): OperationStatus | undefined {
    return this.entries.get(kind);
  }

  /** The operation of that kind runs (or keeps running) on `target`. A new target is a new run. */
  running(kind: OperationKind, target: string, message: string, node?: string): void {
    this.set(kind, 'Running', target, message, node);
  }

  blocked(kind: OperationKind, target: string, message: string, node?: string): void {
    this.set(kind, 'Blocked', target, message, node);
  }

  succeeded(kind: OperationKind, target: string, message: string): void {
    this.set(kind, 'Succeeded', target, message);
  }

  failed(kind: OperationKind, target: string, message: string, node?: string): void {
    this.set(kind, 'Failed', target, message, node);
  }

  /** Entries sorted by kind, for the status document; undefined when there are none (older documents stay byte-identical). */
  list(): OperationStatus[] | undefined {
    if (this.entries.size === 0) return undefined;
    return [...this.entries.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /** Any operation that has not ended (Running or Blocked). */
  active(): OperationStatus[] {
    return [...this.entries.values()].filter((op) => !isEnded(op)).sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /** Phase changes made in this pass, in the order they were made. */
  transitions(): readonly OperationTransition[] {
    return this.changed;
  }

  private set(kind: OperationKind, phase: OperationPhase, target: string, message: string, node?: string): void {
    const prev = this.entries.get(kind);
    // An operation that ended is not ended again by later passes that find nothing left to do.
    if (prev && prev.target === target && isEnded(prev) && isEnded({ phase })) return;
    const sameRun = prev !== undefined && prev.target === target && !isEnded(prev);
    const at = isoSeconds(this.now());
    const next: OperationStatus = {
      kind,
      phase,
      target,
      ...(node !== undefined ? { node } : {}),
      message,
      startedAt: sameRun ? prev.startedAt : at,
      ...(isEnded({ phase }) ? { endedAt: at } : {}),
    };
    this.entries.set(kind, next);
    if (!sameRun || prev.phase !== phase) this.changed.push({ ...(sameRun ? { from: prev.phase } : {}), to: next });
  }
}
