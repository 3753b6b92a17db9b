/** What every duty needs, passed explicitly (no globals, easy to fake in tests). */
import { ReconcilerConfig } from './config';
import { EventRecorder } from '../io/events';
import { KubeApi } from '../io/kube-api';
import { Logger } from './logger';
import { Metrics } from './metrics';
import { PollOptions } from './async-tasks';
import { ReApi } from '../io/re-api';

export interface DutyContext {
  config: ReconcilerConfig;
  kube: KubeApi;
  re: ReApi;
  metrics: Metrics;
  log: Logger;
  events: EventRecorder;
  poll: PollOptions;
  signal: AbortSignal;
}
