/**
 * Keeps one watch open on one kind and calls `onChange` for every change.
 * List first (for a resourceVersion), then watch from it; when the stream
 * ends normally (server timeout) watch again from the last version seen;
 * when the version expired (410 Gone) list again; on any other failure (API
 * server restart, network) wait with backoff and jitter, then list again.
 * A relist also calls `onChange`: events may have been missed meanwhile.
 */
import { Backoff, sleep } from '../runtime/backoff';
import { KubeApi, KubeApiError, WatchHandle, WatchKind, isGone } from './kube-api';
import { Logger, errorMessage } from '../runtime/logger';
import { M, Metrics } from '../runtime/metrics';

export interface WatcherOptions {
  kind: WatchKind;
  labelSelector?: string;
  fieldSelector?: string;
  onChange: (reason: string) => void;
}

export class ResourceWatcher {
  private readonly abort = new AbortController();
  private handle?: WatchHandle;
  private loop?: Promise<void>;
  private readonly backoff = new Backoff({ baseMs: 200, capMs: 30_000 });

  constructor(private readonly kube: KubeApi, private readonly options: WatcherOptions, private readonly log: Logger, private readonly metrics: Metrics) {}

  start(): void {
    this.metrics.declare(M.watchRestarts, 'counter', 'Watch restarts, by kind and cause');
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.handle?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { kind, labelSelector, fieldSelector } = this.options;
    let resourceVersion: string | undefined;
    while (!this.abort.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          const list = await this.kube.list(kind, { labelSelector, fieldSelector });
          resourceVersion = list.resourceVersion;
          this.options.onChange(`${kind} listed`);
        }
        const started = Date.now();
        const closed = await this.watchOnce(resourceVersion, (rv) => { resourceVersion = rv; });
        if (closed === undefined) {
          this.metrics.inc(M.watchRestarts, { kind, cause: 'closed' });
          // Normal end: resume from the last version seen. A stream that keeps
          // ending at once must not become a hot loop, so that case backs off.
          if (Date.now() - started < 1000) await sleep(this.backoff.next(), this.abort.signal);
          else this.backoff.reset();
          continue;
        }
        throw closed;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        if (isGone(e)) {
          this.metrics.inc(M.watchRestarts, { kind, cause: 'gone' });
          this.log.debug('watch expired (410 Gone); listing again', { kind });
          resourceVersion = undefined;
          continue;
        }
        this.metrics.inc(M.watchRestarts, { kind, cause: 'error' });
        const delay = this.backoff.next();
        this.log.warn('watch failed; retrying', { kind, error: errorMessage(e), delayMs: delay });
        resourceVersion = undefined;
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** Resolves with undefined on a normal end, or with the error that ended the stream. */
  private watchOnce(resourceVersion: string, seen: (rv: string) => void): Promise<unknown> {
    const { kind, labelSelector, fieldSelector } = this.options;
    return new Promise<unknown>((resolve) => {
      let done = false;
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        resolve(err);
      };
      const onAbort = () => finish();
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      this.kube.watch(kind, {
        labelSelector,
        fieldSelector,
        resourceVersion,
        onEvent: (ev) => {
          if (ev.type === 'ERROR') {
            const code = ev.object.code ?? 500;
            finish(new KubeApiError(code, ev.object.message ?? `watch error ${code}`));
            this.handle?.stop();
            return;
          }
          const rv = ev.object.metadata?.resourceVersion;
          if (rv) seen(rv);
          if (ev.type !== 'BOOKMARK') {
            this.backoff.reset();
            this.options.onChange(`${kind} ${ev.type.toLowerCase()} ${ev.object.metadata?.name ?? ''}`.trim());
          }
        },
        onClose: (err) => {
          this.abort.signal.removeEventListener('abort', onAbort);
          finish(err);
        },
      }).then((h) => {
        this.handle = h;
        if (done) h.stop();
      }, (e) => finish(e ?? new Error('watch failed to start')));
    });
  }
}
