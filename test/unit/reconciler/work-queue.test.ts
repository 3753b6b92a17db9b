/**
 * The reconciler's work queue: pure scheduling logic, driven by jest's fake
 * timers (which also fake Date.now), so every delay below is simulated time
 * and exact, never wall-clock. The reconcile function is a script of results.
 */
import { Metrics, M } from '../../../lib/reconciler/runtime/metrics';
import { silentLogger } from '../../../lib/reconciler/runtime/logger';
import { ReconcileResult, WorkQueue, WorkQueueOptions } from '../../../lib/reconciler/runtime/work-queue';

const DEBOUNCE = 20;
/** random() = 1: every backoff draw is its ceiling, base * 2^failures (500, 1000, 2000, ...). */
const BACKOFF = { baseMs: 500, capMs: 60_000, random: () => 1 };

type Step = ReconcileResult | Error | (() => Promise<ReconcileResult>);

/** A queue whose passes follow `script` (then succeed), recording when each pass started. */
function scripted(script: Step[], options: Partial<WorkQueueOptions> = {}) {
  const metrics = new Metrics();
  const starts: number[] = [];
  let t0 = Date.now();
  const queue = new WorkQueue(async () => {
    starts.push(Date.now() - t0);
    const step = script.shift() ?? {};
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step();
    return step;
  }, { log: silentLogger, metrics, backoff: BACKOFF, debounceMs: DEBOUNCE, ...options });
  return {
    queue, metrics, starts,
    /** Simulated ms since the test began (or since the last reset). */
    resetClock: () => { t0 = Date.now(); starts.length = 0; },
  };
}

function deferred() {
  let resolve!: (r: ReconcileResult) => void;
  const promise = new Promise<ReconcileResult>((r) => (resolve = r));
  return { promise, resolve };
}

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('work queue: coalescing', () => {
  it('runs one pass for a burst of triggers, after the debounce', async () => {
    const { queue, starts, metrics } = scripted([]);
    for (let i = 0; i < 10; i++) queue.trigger(`event ${i}`);
    await advance(DEBOUNCE - 1);
    expect(starts).toEqual([]);
    await advance(1);
    expect(starts).toEqual([DEBOUNCE]);
    await advance(10_000);
    expect(starts).toHaveLength(1);
    expect(metrics.get(M.reconciles, { result: 'success' })).toBe(1);
    expect(queue.state).toEqual({ passes: 1, lastError: undefined, passStartedAt: undefined });
    await queue.stop();
  });

  it('runs a pass requested during a pass once afterwards, never two at a time', async () => {
    const slow = deferred();
    const { queue, starts } = scripted([() => slow.promise]);
    queue.trigger('start');
    await advance(DEBOUNCE);
    expect(starts).toHaveLength(1);
    expect(queue.state.passStartedAt).toBe(Date.now()); // fake timers: the pass started at this simulated instant
    for (let i = 0; i < 5; i++) queue.trigger(`during ${i}`);
    await advance(5000);
    expect(starts).toHaveLength(1); // the first one still runs
    slow.resolve({});
    await advance(0);
    expect(starts).toHaveLength(2);
    await advance(10_000);
    expect(starts).toHaveLength(2);
    await queue.stop();
  });

  it('runs again at once when the pass asks for it (a write conflict)', async () => {
    const { queue, starts } = scripted([{ requeue: true }, {}]);
    queue.trigger('start');
    await advance(DEBOUNCE);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE]);
    await advance(10_000);
    expect(starts).toHaveLength(2);
    await queue.stop();
  });

  it('idle() resolves once no pass runs or is pending', async () => {
    const { queue, starts } = scripted([{ requeue: true }]);
    let idle = false;
    queue.trigger('start');
    const done = queue.idle().then(() => { idle = true; });
    await advance(DEBOUNCE - 1);
    expect(idle).toBe(false);
    await advance(1);
    await done;
    expect(starts).toHaveLength(2);
    await queue.stop();
  });

  it('runs a full pass every resync period', async () => {
    const { queue, starts, resetClock } = scripted([], { resyncMs: 5000 });
    resetClock();
    queue.start();
    await advance(12_000);
    expect(starts).toEqual([DEBOUNCE, 5000 + DEBOUNCE, 10_000 + DEBOUNCE]);
    await queue.stop();
  });
});

describe('work queue: waiting (requeueAfterMs)', () => {
  it('looks again fast at first, then at the bound, counted as waiting with the reason kept', async () => {
    const wait: ReconcileResult = { requeueAfterMs: 2000, waitingFor: 'node not in the cluster yet' };
    const { queue, starts, metrics } = scripted([wait, wait, wait, wait, {}]);
    queue.trigger('start');
    await advance(DEBOUNCE);
    expect(queue.state.lastError).toBe('node not in the cluster yet');
    await advance(500 + 1000 + 2000 + 2000);
    // min(backoff, bound): 500, 1000, then 2000 twice
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 500, DEBOUNCE + 1500, DEBOUNCE + 3500, DEBOUNCE + 5500]);
    expect(metrics.get(M.reconciles, { result: 'waiting' })).toBe(4);
    expect(metrics.get(M.reconciles, { result: 'success' })).toBe(1);
    expect(metrics.get(M.reconciles, { result: 'error' })).toBe(0);
    expect(queue.state.lastError).toBeUndefined();
    await advance(60_000);
    expect(starts).toHaveLength(5);
    await queue.stop();
  });
});

describe('work queue: failures', () => {
  it('retries a failed pass after a growing backoff and resets it after a success', async () => {
    const { queue, starts, metrics, resetClock } = scripted([new Error('boom 1'), new Error('boom 2'), new Error('boom 3'), {}, new Error('boom 4')]);
    queue.trigger('start');
    await advance(DEBOUNCE);
    expect(queue.state.lastError).toBe('boom 1');
    await advance(499);
    expect(starts).toHaveLength(1);
    await advance(1 + 1000 + 2000);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 500, DEBOUNCE + 1500, DEBOUNCE + 3500]);
    expect(metrics.get(M.reconciles, { result: 'error' })).toBe(3);
    expect(queue.state.lastError).toBeUndefined();
    // A new failure after the success starts from the base delay again.
    resetClock();
    queue.trigger('change');
    await advance(DEBOUNCE + 500);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 500]);
    await queue.stop();
  });

  it('records the duration of every pass and clears passStartedAt after it, whatever its result', async () => {
    const slow = deferred();
    const { queue, metrics } = scripted([async () => { await slow.promise; throw new Error('late failure'); }]);
    queue.trigger('start');
    await advance(DEBOUNCE);
    const started = queue.state.passStartedAt;
    expect(started).toBe(Date.now());
    await advance(3000);
    slow.resolve({});
    await advance(0);
    expect(queue.state.passStartedAt).toBeUndefined();
    expect(metrics.get(M.reconcileSeconds)).toBe(3);
    expect(queue.state.passes).toBe(1);
    await queue.stop();
  });
});

describe('work queue: an event during a backoff', () => {
  const LONG = { baseMs: 10_000, capMs: 60_000, random: () => 1 };

  it('brings a long retry forward to one second, keeping the failure count', async () => {
    const { queue, starts } = scripted([new Error('Secret missing'), new Error('still missing')], { backoff: LONG });
    queue.trigger('start');
    await advance(DEBOUNCE); // fails: retry in 10 s
    await advance(100);
    queue.trigger('secret created');
    queue.trigger('another event'); // does not push the retry further out
    await advance(999);
    expect(starts).toHaveLength(1);
    await advance(1);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 1100]);
    // Failed again: the second failure's backoff (20 s), not the first one's.
    await advance(19_999);
    expect(starts).toHaveLength(2);
    await advance(1);
    expect(starts).toHaveLength(3);
    await queue.stop();
  });

  it('leaves a retry that is due within a second as it is', async () => {
    const { queue, starts } = scripted([new Error('boom')]);
    queue.trigger('start');
    await advance(DEBOUNCE); // retry in 500 ms
    queue.trigger('event');
    await advance(500);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 500]);
    await queue.stop();
  });

  it('retries within a second when the event arrived during the failing pass', async () => {
    const slow = deferred();
    const { queue, starts } = scripted([async () => { await slow.promise; throw new Error('boom'); }], { backoff: LONG });
    queue.trigger('start');
    await advance(DEBOUNCE);
    queue.trigger('during the pass');
    slow.resolve({});
    await advance(1000);
    expect(starts).toEqual([DEBOUNCE, DEBOUNCE + 1000]);
    await queue.stop();
  });
});

describe('work queue: stop', () => {
  it('waits for the running pass, then runs no more, and idle() resolves', async () => {
    const slow = deferred();
    const { queue, starts } = scripted([() => slow.promise], { resyncMs: 1000 });
    queue.start();
    await advance(DEBOUNCE);
    queue.trigger('during the pass');
    let stopped = false;
    const stopping = queue.stop().then(() => { stopped = true; });
    await advance(0);
    expect(stopped).toBe(false);
    slow.resolve({});
    await advance(0);
    await stopping;
    queue.trigger('after stop');
    await advance(10_000);
    expect(starts).toHaveLength(1);
    await expect(queue.idle()).resolves.toBeUndefined();
  });
});
