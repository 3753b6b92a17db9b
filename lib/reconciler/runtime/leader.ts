/**
 * Runs the Lease loop: every third of the Lease duration, renew (leader), or
 * every sixth, check for expiry (follower). A leader that cannot renew within two thirds
 * of the duration steps down on its own, before anyone else may take over,
 * so two leaders never act at once. On shutdown the Lease is handed back.
 */
import { performance } from 'node:perf_hooks';
import { sleep } from './backoff';
import { KubeApi, isConflict, isNotFound } from '../io/kube-api';
import { Lease } from '../io/kube-types';
import { Observation, decideLease, releasedSpec } from './leader-election';
import { Logger, errorMessage } from './logger';
import { M, Metrics } from './metrics';

export interface LeaderOptions {
  leaseName: string;
  namespace: string;
  identity: string;
  durationSeconds: number;
  onChange: (isLeader: boolean) => void;
}

export class LeaderElector {
  private leader = false;
  private observation?: Observation;
  private lastRenewMono = 0;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly kube: KubeApi, private readonly options: LeaderOptions, private readonly log: Logger, private readonly metrics: Metrics) {}

  get isLeader(): boolean { return this.leader; }

  start(): void {
    this.metrics.set(M.leader, 0, {}, '1 while this sidecar holds the Lease');
    this.loop = this.run();
  }

  private setLeader(v: boolean): void {
    if (v === this.leader) return;
    this.leader = v;
    this.metrics.set(M.leader, v ? 1 : 0);
    this.log.info(v ? 'became leader' : 'no longer leader', { lease: this.options.leaseName });
    this.options.onChange(v);
  }

  /** One election step; exposed for tests. */
  async tick(): Promise<void> {
    const { leaseName, namespace, identity, durationSeconds } = this.options;
    const mono = performance.now();
    try {
      const lease = await this.kube.getLease(leaseName);
      const d = decideLease(lease, identity, durationSeconds, Date.now(), mono, this.observation);
      this.observation = d.observation;
      if (d.action === 'follow') {
        this.setLeader(false);
        return;
      }
      const body: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: leaseName, namespace, resourceVersion: lease?.metadata.resourceVersion },
        spec: d.spec,
      };
      if (d.action === 'create') await this.kube.createLease(body);
      else await this.kube.replaceLease(body);
      this.lastRenewMono = mono;
      this.setLeader(true);
    } catch (e) {
      // Lost a race (409) or the API is away: a leader keeps its role only
      // while its last renewal is fresh enough.
      if (isConflict(e)) {
        // Someone else wrote the Lease since we read it: they hold it now.
        this.setLeader(false);
        return;
      }
      this.log.warn('lease step failed', { error: errorMessage(e) });
      if (this.leader && mono - this.lastRenewMono > (durationSeconds * 1000 * 2) / 3) this.setLeader(false);
    }
  }

  private async run(): Promise<void> {
    const duration = this.options.durationSeconds * 1000;
    while (!this.abort.signal.aborted) {
      await this.tick();
      // The leader renews every third of the duration; followers look twice
      // as often (reads only), so a dead leader is noticed soon after expiry.
      // A little jitter so that followers do not poll in lockstep.
      const period = this.leader ? duration / 3 : duration / 6;
      await sleep(period * (0.9 + Math.random() * 0.2), this.abort.signal);
    }
  }

  /** Stops the loop and, when leading, hands the Lease back so that another sidecar takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (!this.leader) return;
    this.setLeader(false);
    try {
      const lease = await this.kube.getLease(this.options.leaseName);
      if (lease?.spec?.holderIdentity === this.options.identity) {
        await this.kube.replaceLease({ ...lease, spec: releasedSpec(lease.spec, Date.now()) });
      }
    } catch (e) {
      if (!isNotFound(e)) this.log.warn('could not release the lease', { error: errorMessage(e) });
    }
  }
}
