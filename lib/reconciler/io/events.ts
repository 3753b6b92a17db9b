/**
 * Kubernetes Events for failures and notable changes. The same event (object,
 * reason, message) is recorded once per hour at most: a database that keeps
 * failing the same way must not turn into a stream of API writes.
 */
import { randomBytes } from 'node:crypto';
import { KubeApi } from './kube-api';
import { Logger, errorMessage } from '../runtime/logger';

export interface InvolvedObject { kind: string; name: string; uid?: string; apiVersion?: string }

export const EVENT_REPEAT_MS = 3_600_000;

export class EventRecorder {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly kube: KubeApi,
    private readonly namespace: string,
    private readonly instance: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async record(object: InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const key = `${object.kind}/${object.name}/${reason}/${message}`;
    const at = this.now();
    const last = this.recent.get(key);
    if (last !== undefined && at - last < EVENT_REPEAT_MS) return;
    this.recent.set(key, at);
    if (this.recent.size > 1000) {
      for (const [k, t] of this.recent) if (at - t >= EVENT_REPEAT_MS) this.recent.delete(k);
    }
    const ts = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      await this.kube.createEvent({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${object.name}.${randomBytes(8).toString('hex')}`, namespace: this.namespace },
        involvedObject: { ...object, namespace: this.namespace },
        type,
        reason,
        message: message.slice(0, 1000),
        source: { component: 'redis-enterprise-reconciler', host: this.instance },
        reportingComponent: 'redis-enterprise-reconciler',
        reportingInstance: this.instance,
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
      });
    } catch (e) {
      // An event that cannot be written must not fail the reconcile it describes.
      this.log.warn('could not record event', { reason, error: errorMessage(e) });
    }
  }
}
