/**
 * What the test double saw: one entry per request with method, path and
 * outcome. Deliberately no headers and no bodies, so neither the
 * Authorization header nor passwords in bootstrap/CRDB bodies can leak into
 * test output.
 */
import type { FaultKind } from './faults';

export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestLogEntry {
  /** Increasing number, shared by every log of one registry; use with {@link RequestLog.mark}. */
  readonly seq: number;
  /** Address of the node (instance) that received the request. */
  readonly node: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** HTTP status, or what happened instead of an answer. */
  readonly status: number | 'dropped' | 'timeout' | 'aborted';
  /** Injected fault, if any. */
  readonly fault?: FaultKind;
  /** POST/PUT/PATCH/DELETE that is not a `dry_run`. */
  readonly mutating: boolean;
  /** Clock time when the request arrived. */
  readonly at: number;
  /** Wall time the request took, in milliseconds. */
  readonly durationMs: number;
}

export interface RequestFilter {
  readonly method?: string;
  readonly path?: string | RegExp;
  readonly node?: string;
  /** Only entries after this sequence number (see {@link RequestLog.mark}). */
  readonly since?: number;
  readonly mutating?: boolean;
}

export class RequestLog {
  private list: RequestLogEntry[] = [];
  private totalRequests = 0;
  private totalMutations = 0;

  constructor(private readonly limit = 10_000) {}

  /** Counters since creation (or the last clear), unaffected by the entry limit: for long benchmark runs. */
  get totals(): { requests: number; mutations: number } {
    return { requests: this.totalRequests, mutations: this.totalMutations };
  }

  push(entry: RequestLogEntry): void {
    this.totalRequests++;
    if (entry.mutating) this.totalMutations++;
    this.list.push(entry);
    // Bounded so a long benchmark run cannot grow memory without end.
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
  }

  entries(filter: RequestFilter = {}): RequestLogEntry[] {
    return this.list.filter((e) => matches(e, filter));
  }

  count(filter: RequestFilter = {}): number {
    return this.entries(filter).length;
  }

  /** Mutating requests (writes), optionally filtered further. */
  mutations(filter: RequestFilter = {}): RequestLogEntry[] {
    return this.entries({ ...filter, mutating: true });
  }

  /** The sequence number of the latest entry (0 when empty): pass as `since` to look only at later requests. */
  mark(): number {
    return this.list.length ? this.list[this.list.length - 1].seq : 0;
  }

  clear(): void {
    this.list = [];
    this.totalRequests = 0;
    this.totalMutations = 0;
  }
}

function matches(e: RequestLogEntry, f: RequestFilter): boolean {
  if (f.method && f.method.toUpperCase() !== e.method) return false;
  if (f.node && f.node !== e.node) return false;
  if (f.since !== undefined && e.seq <= f.since) return false;
  if (f.mutating !== undefined && f.mutating !== e.mutating) return false;
  if (f.path !== undefined) {
    if (typeof f.path === 'string' ? f.path !== e.path : !new RegExp(f.path.source, f.path.flags.replace('g', '')).test(e.path)) return false;
  }
  return true;
}
