/**
 * Fault injection for the test double. A {@link FaultInjector} exists per node
 * instance, per simulated cluster and per registry; the server consults them in
 * that order for every request.
 *
 * Kinds:
 * - `latency`: delay the request by `latencyMs` (wall time), then carry on;
 *   latencies from every matching rule add up.
 * - `error`:   answer `status` (500 by default, or 503) with an error body.
 * - `busy`:    answer 409 `busy`, the documented "another change is running" answer.
 * - `drop`:    destroy the socket without any response.
 * - `timeout`: never answer; the connection stays open until the client gives
 *              up (or the double stops).
 *
 * `times` makes a rule deterministic ("the next 3 POST /v1/bdbs"); `rate`
 * fires with a probability drawn from a seeded generator. With
 * `afterHandling`, an `error` or `drop` lets the request take effect first and
 * only then spoils the answer, the case where a client cannot know whether its
 * write happened.
 */
import { SeededRandom } from './rng';

export type FaultKind = 'latency' | 'error' | 'busy' | 'drop' | 'timeout';

export interface FaultMatch {
  /** HTTP method, e.g. `POST`; any method when absent. */
  readonly method?: string;
  /** Exact path without query (`/v1/bdbs`) or a pattern; any path when absent. */
  readonly path?: string | RegExp;
}

export interface FaultSpec extends FaultMatch {
  readonly kind: FaultKind;
  /** Fire for the next N matching requests, then retire. Unlimited when absent. */
  readonly times?: number;
  /** Probability (0..1) of firing per matching request, from the seeded generator. Always when absent. */
  readonly rate?: number;
  /** `error` only: the HTTP status (default 500). */
  readonly status?: number;
  /** `latency` only: added delay in milliseconds. */
  readonly latencyMs?: number;
  /** `error`/`drop` only: apply the request, then fail its answer. */
  readonly afterHandling?: boolean;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** How many times the rule has fired. */
  readonly fired: number;
  /** Whether the rule can still fire. */
  readonly active: boolean;
  remove(): void;
}

/** What one injector (or the combination of several) decided for a request. */
export interface FaultDecision {
  latencyMs: number;
  terminal?: { kind: Exclude<FaultKind, 'latency'>; status: number; afterHandling: boolean };
}

class Rule implements FaultHandle {
  fired = 0;
  removed = false;

  constructor(readonly spec: FaultSpec) {}

  get active(): boolean {
    return !this.removed && (this.spec.times === undefined || this.fired < this.spec.times);
  }

  remove(): void {
    this.removed = true;
  }

  matches(method: string, path: string): boolean {
    if (this.spec.method && this.spec.method.toUpperCase() !== method) return false;
    const p = this.spec.path;
    if (p === undefined) return true;
    return typeof p === 'string' ? p === path : new RegExp(p.source, p.flags.replace('g', '')).test(path);
  }
}

export class FaultInjector {
  private rules: Rule[] = [];
  private random: SeededRandom;

  constructor(seed = 1) {
    this.random = new SeededRandom(seed);
  }

  add(spec: FaultSpec): FaultHandle {
    validate(spec);
    const rule = new Rule(spec);
    this.rules.push(rule);
    return rule;
  }

  // Shorthands for the common cases.
  latency(latencyMs: number, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'latency', latencyMs });
  }
  failNext(times: number, status = 500, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'error', status, times });
  }
  errorRate(rate: number, status = 500, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'error', status, rate });
  }
  busyNext(times: number, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'busy', times });
  }
  dropNext(times: number, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'drop', times });
  }
  timeoutNext(times: number, match: FaultMatch = {}): FaultHandle {
    return this.add({ ...match, kind: 'timeout', times });
  }

  /** Restart the generator for rate-based rules. */
  reseed(seed: number): void {
    this.random = new SeededRandom(seed);
  }

  clear(): void {
    for (const r of this.rules) r.remove();
    this.rules = [];
  }

  rulesInEffect(): FaultHandle[] {
    return this.rules.filter((r) => r.active);
  }

  /**
   * Decide for one request. Every matching latency rule contributes; the first
   * matching terminal rule that fires wins and later ones are not consumed.
   */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.rules) {
      if (!rule.active || !rule.matches(method, path)) continue;
      if (rule.spec.kind !== 'latency' && decision.terminal) continue;
      if (rule.spec.rate !== undefined && this.random.next() >= rule.spec.rate) continue;
      rule.fired++;
      if (rule.spec.kind === 'latency') {
        decision.latencyMs += rule.spec.latencyMs ?? 0;
      } else {
        decision.terminal = {
          kind: rule.spec.kind,
          status: rule.spec.kind === 'busy' ? 409 : rule.spec.status ?? 500,
          afterHandling: rule.spec.afterHandling ?? false,
        };
      }
    }
    this.rules = this.rules.filter((r) => r.active);
    return decision;
  }
}

/** Combines decisions of several injectors (instance, cluster, registry): latencies add, first terminal wins. */
export function combineDecisions(decisions: FaultDecision[]): FaultDecision {
  const out: FaultDecision = { latencyMs: 0 };
  for (const d of decisions) {
    out.latencyMs += d.latencyMs;
    if (!out.terminal && d.terminal) out.terminal = d.terminal;
  }
  return out;
}

function validate(spec: FaultSpec): void {
  const kinds: FaultKind[] = ['latency', 'error', 'busy', 'drop', 'timeout'];
  if (!kinds.includes(spec.kind)) throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 0)) {
    throw new Error('fault `times` must be a non-negative integer');
  }
  if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) throw new Error('fault `rate` must be within 0..1');
  if (spec.kind === 'latency' && !(typeof spec.latencyMs === 'number' && spec.latencyMs >= 0)) {
    throw new Error('a latency fault needs `latencyMs` >= 0');
  }
  if (spec.kind === 'error' && spec.status !== undefined && !(spec.status >= 400 && spec.status <= 599)) {
    throw new Error('an error fault needs a 4xx or 5xx `status`');
  }
  if (spec.afterHandling && spec.kind !== 'error' && spec.kind !== 'drop') {
    throw new Error('`afterHandling` applies to error and drop faults only');
  }
}
