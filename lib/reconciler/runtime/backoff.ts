/**
 * Exponential backoff with "full jitter" (delay drawn uniformly from
 * [0, min(cap, base * 2^attempt)]): many sidecars failing on the same cause
 * (an API server restart) then retry spread out instead of in lockstep, and a
 * persistent failure never retries faster than the cap allows, so there is no
 * hot loop. A floor keeps even a lucky draw from being a busy retry.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  floorMs?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next retry; each call counts one more failure. */
  next(): number {
    const { baseMs, capMs, floorMs = Math.min(baseMs, 50), random = Math.random } = this.options;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.max(floorMs, Math.floor(random() * ceiling));
  }

  /** Failures since the last success. */
  get failures(): number { return this.attempt; }

  reset(): void { this.attempt = 0; }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
