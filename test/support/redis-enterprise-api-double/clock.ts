/**
 * Time source of the test double. Every state transition (bootstrap, actions,
 * CRDB tasks) is computed lazily from timestamps against this clock, so a test
 * can use {@link ManualClock} and step time deterministically, and the double
 * never leaves timers running after a test.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. Starts at 2026-01-01T00:00:00Z so timestamps look real. */
export class ManualClock implements Clock {
  private t: number;

  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance needs a non-negative number, got ${ms}`);
    this.t += ms;
  }
}

/** ISO-8601 without milliseconds, as the REST API examples show ("2014-08-29T11:19:49Z"). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
