/**
 * The kubelet's probe workers for one container (pkg/kubelet/prober/worker.go),
 * in the harness:
 * - each probe runs first after `initialDelaySeconds` (counted from when the
 *   prober first saw the container running), then every `periodSeconds`;
 * - a result flips after `successThreshold` consecutive successes or
 *   `failureThreshold` consecutive failures (defaults 1 and 3; period 10 s,
 *   timeout 1 s);
 * - while a startup probe has not succeeded, liveness and readiness are not
 *   run and the container is not ready; once it succeeds it is not run again;
 * - readiness starts as not ready; without a readiness probe the container
 *   is ready once started;
 * - a liveness (or startup) failure reaching its threshold is where the
 *   kubelet would restart the container. The harness does NOT restart
 *   anything: it reports the would-be restart, resets that probe's counters
 *   and probes on.
 */
import { CheckResult, ProbeSpec } from './probe-check';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeStats {
  runs: number;
  successes: number;
  failures: number;
  lastDetail?: string;
}

export interface WorkerHooks {
  run(kind: ProbeKind, probe: ProbeSpec): Promise<CheckResult>;
  /** started/ready changed. */
  changed(): void;
  /** The kubelet would restart the container now. */
  wouldRestart(kind: 'startup' | 'liveness', detail: string): void;
}

export interface ContainerProbes {
  startupProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
}

export class ContainerProbeWorkers {
  started: boolean;
  ready: boolean;
  readonly stats: Record<ProbeKind, ProbeStats> = {
    startup: { runs: 0, successes: 0, failures: 0 },
    liveness: { runs: 0, successes: 0, failures: 0 },
    readiness: { runs: 0, successes: 0, failures: 0 },
  };
  /** Times the kubelet would have restarted the container (liveness or startup threshold reached). */
  wouldBeRestarts = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly probes: ContainerProbes, private readonly hooks: WorkerHooks) {
    this.started = !probes.startupProbe;
    this.ready = this.started && !probes.readinessProbe;
  }

  start(): void {
    for (const kind of ['startup', 'liveness', 'readiness'] as const) {
      const probe = this.probes[`${kind}Probe`];
      if (probe) this.loop(kind, probe);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private loop(kind: ProbeKind, probe: ProbeSpec): void {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const successThreshold = probe.successThreshold ?? 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    let successes = 0;
    let failures = 0;
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      const gated = kind !== 'startup' && !this.started;
      if (!gated) {
        const r = await this.hooks.run(kind, probe);
        if (this.stopped) return;
        const s = this.stats[kind];
        s.runs++;
        s.lastDetail = r.detail;
        if (r.ok) { s.successes++; successes++; failures = 0; } else { s.failures++; failures++; successes = 0; }
        this.apply(kind, r, successes >= successThreshold, failures >= failureThreshold);
        if (kind === 'startup' && this.started) return;
        if (failures >= failureThreshold && kind !== 'readiness') failures = 0;
      }
      this.schedule(tick, period);
    };
    this.schedule(tick, (probe.initialDelaySeconds ?? 0) * 1000);
  }

  private apply(kind: ProbeKind, r: CheckResult, succeeded: boolean, failed: boolean): void {
    if (kind === 'startup') {
      if (succeeded) {
        this.started = true;
        if (!this.probes.readinessProbe) this.ready = true;
        this.hooks.changed();
      } else if (failed) {
        this.wouldBeRestarts++;
        this.hooks.wouldRestart('startup', r.detail);
      }
    } else if (kind === 'liveness') {
      if (failed) {
        this.wouldBeRestarts++;
        this.hooks.wouldRestart('liveness', r.detail);
      }
    } else if (succeeded !== this.ready && (succeeded || failed)) {
      this.ready = succeeded;
      this.hooks.changed();
    }
  }

  private schedule(fn: () => Promise<void>, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => { this.timers.delete(t); void fn(); }, ms);
    this.timers.add(t);
  }
}
