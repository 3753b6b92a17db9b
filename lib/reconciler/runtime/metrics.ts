/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters and
 * gauges with labels. Hand-written because the sidecar image should carry one
 * runtime dependency only (the Kubernetes client).
 */

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family['type'], help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, values: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  /** Declares a metric so that it is exposed (at 0) before its first sample. */
  declare(name: string, type: Family['type'], help: string): void {
    this.family(name, type, help);
  }

  inc(name: string, labels: Labels = {}, by = 1, help = ''): void {
    const f = this.family(name, 'counter', help);
    const k = key(labels);
    const cur = f.values.get(k);
    if (cur) cur.value += by;
    else f.values.set(k, { labels, value: by });
  }

  set(name: string, value: number, labels: Labels = {}, help = ''): void {
    this.family(name, 'gauge', help).values.set(key(labels), { labels, value });
  }

  get(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(key(labels))?.value ?? 0;
  }

  /** Every label set of one metric with its value, e.g. to break a counter down. */
  samples(name: string): Array<{ labels: Labels; value: number }> {
    return [...(this.families.get(name)?.values.values() ?? [])].map((v) => ({ labels: { ...v.labels }, value: v.value }));
  }

  /** Sum over all label sets of one metric. */
  total(name: string): number {
    let sum = 0;
    for (const v of this.families.get(name)?.values.values() ?? []) sum += v.value;
    return sum;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of [...this.families.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (f.help) lines.push(`# HELP ${name} ${f.help}`);
      lines.push(`# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.values.values()) {
        const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
        lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
      }
    }
    return lines.join('\n') + '\n';
  }
}

/** Metric names, in one place so that README, code and tests agree. */
export const M = {
  reconciles: 'redis_enterprise_reconciler_reconciles_total',
  reconcileSeconds: 'redis_enterprise_reconciler_last_reconcile_duration_seconds',
  kubeWrites: 'redis_enterprise_reconciler_kube_writes_total',
  restRequests: 'redis_enterprise_reconciler_rest_requests_total',
  leader: 'redis_enterprise_reconciler_leader',
  watchRestarts: 'redis_enterprise_reconciler_watch_restarts_total',
  databases: 'redis_enterprise_reconciler_databases',
  nodeBootstrapped: 'redis_enterprise_reconciler_node_bootstrapped',
  prestop: 'redis_enterprise_reconciler_prestop_total',
  maintenanceOff: 'redis_enterprise_reconciler_maintenance_off_total',
  clusterSettingWrites: 'redis_enterprise_reconciler_cluster_setting_writes_total',
  operations: 'redis_enterprise_reconciler_operation_transitions_total',
  operationsActive: 'redis_enterprise_reconciler_operations_active',
  upgradePodDeletions: 'redis_enterprise_reconciler_upgrade_pod_deletions_total',
} as const;
