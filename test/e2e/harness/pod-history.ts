/**
 * Every change of the pods of one namespace, in the API server's order: a
 * watch from a list's resourceVersion, read in short windows
 * (`timeoutSeconds`) and resumed from the last resourceVersion seen, so that
 * no event falls between two windows. A test asserts on orders of events
 * ("pod 1 was created after pod 0 became Ready", "pod 0 never became
 * NotReady again") instead of on timing. A broken chain (410 Gone) fails the
 * history rather than silently losing events.
 */
import { KubeClient } from '../../support/kube-client';
import { withDeadline } from './deadline';

export interface PodEvent {
  /** ADDED / MODIFIED / DELETED, or LISTED for pods that existed when the history started. */
  type: string;
  name: string;
  uid: string;
  phase?: string;
  ready: boolean;
  /** containerStatuses[].ready by container name. */
  containers: Record<string, boolean>;
}

const WINDOW_SECONDS = 2;

export class PodHistory {
  readonly events: PodEvent[] = [];
  private stopped = false;
  private failure?: Error;
  private loop?: Promise<void>;

  private constructor(private readonly client: KubeClient, private readonly namespace: string) {}

  static async start(client: KubeClient, namespace: string): Promise<PodHistory> {
    const h = new PodHistory(client, namespace);
    const list = await client.call('GET', `/api/v1/namespaces/${namespace}/pods`);
    for (const pod of list.items) h.record('LISTED', pod);
    h.loop = h.follow(list.metadata.resourceVersion);
    return h;
  }

  /** The events so far; throws if the watch chain broke. */
  all(): PodEvent[] {
    if (this.failure) throw this.failure;
    return this.events;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async follow(from: string): Promise<void> {
    let rv = from;
    while (!this.stopped) {
      const path = `/api/v1/namespaces/${this.namespace}/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=${WINDOW_SECONDS}&resourceVersion=${rv}`;
      let res;
      try {
        res = await withDeadline(this.client.request('GET', path), (WINDOW_SECONDS + 30) * 1000, `pod watch of ${this.namespace}`);
      } catch (e) {
        // The connection broke (e.g. an API server restart): resume from the same resourceVersion,
        // nothing of the broken window was recorded.
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (res.status !== 200) {
        this.failure = new Error(`pod watch of ${this.namespace} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        return;
      }
      for (const ev of lines(res.body)) {
        if (ev.type === 'ERROR') {
          this.failure = new Error(`pod watch of ${this.namespace} broke: ${JSON.stringify(ev.object).slice(0, 300)}`);
          return;
        }
        rv = ev.object.metadata.resourceVersion;
        if (ev.type !== 'BOOKMARK') this.record(ev.type, ev.object);
      }
    }
  }

  private record(type: string, pod: any): void {
    this.events.push({
      type,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      phase: pod.status?.phase,
      ready: (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
      containers: Object.fromEntries((pod.status?.containerStatuses ?? []).map((s: any) => [s.name, s.ready === true])),
    });
  }
}

/** A watch answer read whole: one JSON event per line (KubeClient parses a single line itself). */
function lines(body: unknown): any[] {
  if (body === undefined || body === '') return [];
  if (typeof body === 'object') return [body];
  return String(body).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}
