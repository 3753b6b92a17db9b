import { Chart, Testing } from 'cdk8s';
import { addMonitoring, clusterAlerts, MonitoringContext, MonitoringProps } from '../../../lib/monitoring';
import { expectSchemaValid, validateObjects } from '../../support/schema';

const LABELS = { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec1' };
const CTX: MonitoringContext = { namespace: 'redis', clusterName: 'rec1', labels: LABELS, metricsServiceName: 'rec1-prom' };

function synth(props: MonitoringProps, ctx: MonitoringContext = CTX): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: ctx.namespace });
  addMonitoring(chart, ctx, props);
  return Testing.synth(chart);
}

test('nothing unless asked for', () => {
  expect(synth({})).toEqual([]);
  expect(synth({ serviceMonitor: false, prometheusRules: false, scrapeInterval: '1m' })).toEqual([]);
});

describe('ServiceMonitor', () => {
  test('defaults: the <rec>-prom Service by label, port metrics, /v2 over HTTPS without verification, master pod only, 30s', () => {
    const objects = synth({ serviceMonitor: true });
    expect(objects).toHaveLength(1);
    const sm = objects[0];
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.kind).toBe('ServiceMonitor');
    expect(sm.metadata).toEqual({ name: 'rec1-prom', namespace: 'redis', labels: LABELS });
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'redis.io/service': 'prom-metrics', 'redis.io/cluster': 'rec1' } },
      namespaceSelector: { matchNames: ['redis'] },
      endpoints: [{
        port: 'metrics',
        path: '/v2',
        scheme: 'https',
        interval: '30s',
        scrapeTimeout: '30s',
        tlsConfig: { insecureSkipVerify: true },
        relabelings: [{ action: 'keep', sourceLabels: ['__meta_kubernetes_pod_label_redis_io_role_master'], regex: '1' }],
      }],
    });
    expectSchemaValid(objects);
  });

  test('interval, timeout and extra labels (library labels win)', () => {
    const [sm] = synth({ serviceMonitor: true, scrapeInterval: '1m', scrapeTimeout: '45s', labels: { release: 'prometheus' } });
    expect(sm.metadata.labels).toEqual({ release: 'prometheus', ...LABELS });
    expect(sm.spec.endpoints[0].interval).toBe('1m');
    expect(sm.spec.endpoints[0].scrapeTimeout).toBe('45s');
    expectSchemaValid([sm]);
  });

  test('a replaced metrics certificate is verified with the given CA and server name', () => {
    const [sm] = synth({ serviceMonitor: true, tlsCaSecretName: 'metrics-ca', tlsServerName: 'rec1-prom.redis.svc' });
    expect(sm.spec.endpoints[0].tlsConfig).toEqual({ ca: { secret: { name: 'metrics-ca', key: 'ca.crt' } }, serverName: 'rec1-prom.redis.svc' });
    const [custom] = synth({ serviceMonitor: true, tlsCaSecretName: 'metrics-ca', tlsCaSecretKey: 'tls.ca', tlsServerName: 'x.example.com' });
    expect(custom.spec.endpoints[0].tlsConfig.ca.secret).toEqual({ name: 'metrics-ca', key: 'tls.ca' });
    expectSchemaValid([sm, custom]);
  });

  test('the selector matches the labels of the metrics Service the cluster emits', () => {
    // lib/cluster/services.ts: clusterObjectMeta labels + redis.io/service: prom-metrics.
    const serviceLabels = { ...LABELS, 'redis.io/service': 'prom-metrics' };
    const [sm] = synth({ serviceMonitor: true });
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(serviceLabels).toHaveProperty([k], v);
  });
});

describe('PrometheusRule', () => {
  test('one group named after the cluster, alerts with severity, summary and description', () => {
    const objects = synth({ prometheusRules: true, labels: { release: 'prometheus' } });
    expect(objects).toHaveLength(1);
    const rule = objects[0];
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toEqual({ name: 'rec1-alerts', namespace: 'redis', labels: { release: 'prometheus', ...LABELS } });
    expect(rule.spec.groups).toHaveLength(1);
    const group = rule.spec.groups[0];
    expect(group.name).toBe('redis-enterprise.redis.rec1');
    expect(group.rules.map((r: any) => r.alert)).toEqual([
      'RedisEnterpriseMetricsAbsent',
      'RedisEnterpriseClusterQuorumLost',
      'RedisEnterpriseNodeDown',
      'RedisEnterpriseShardDown',
      'RedisEnterpriseShardMemoryHigh',
      'RedisEnterpriseReplicaLinkDown',
      'RedisEnterpriseSyncerOutOfSync',
      'RedisEnterpriseCertificateExpiryWarning',
      'RedisEnterpriseCertificateExpiryCritical',
      'RedisEnterpriseLicenseExpiryWarning',
      'RedisEnterpriseLicenseExpiryCritical',
      'RedisEnterpriseLicenseShardsNearLimit',
    ]);
    for (const r of group.rules) {
      expect(typeof r.expr).toBe('string');
      expect(r.for).toMatch(/^\d+[mh]$/);
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'summary']);
    }
    expectSchemaValid(objects);
  });

  test('every alert only looks at this cluster\'s series', () => {
    const [rule] = synth({ prometheusRules: true });
    for (const r of rule.spec.groups[0].rules) {
      const selectors: string[] = r.expr.match(/\{[^}]*\}/g) ?? [];
      expect(selectors.length).toBeGreaterThan(0);
      for (const s of selectors) expect(s).toContain('namespace="redis",service="rec1-prom"');
    }
  });

  test('two clusters in one namespace get distinct objects and selectors', () => {
    const other: MonitoringContext = { ...CTX, clusterName: 'rec2', metricsServiceName: 'rec2-prom', labels: { ...LABELS, 'redis.io/cluster': 'rec2' } };
    const [a] = synth({ prometheusRules: true });
    const [b] = synth({ prometheusRules: true }, other);
    expect(a.metadata.name).not.toBe(b.metadata.name);
    expect(a.spec.groups[0].name).not.toBe(b.spec.groups[0].name);
    expect(b.spec.groups[0].rules[0].expr).toContain('service="rec2-prom"');
  });

  test('both objects together, schema-valid and deterministic', () => {
    const props = { serviceMonitor: true, prometheusRules: true, labels: { release: 'kube-prometheus-stack' } };
    const objects = synth(props);
    expect(objects.map((o) => o.kind)).toEqual(['ServiceMonitor', 'PrometheusRule']);
    expectSchemaValid(objects);
    expect(JSON.stringify(synth(props))).toBe(JSON.stringify(objects));
  });

  test('the schema check does see mistakes in these CRD kinds (strictness guard)', () => {
    const [sm, rule] = synth({ serviceMonitor: true, prometheusRules: true });
    sm.spec.endpoints[0].interval = '30 seconds';
    rule.spec.groups[0].rules[0].for = 'ten minutes';
    const found = validateObjects([sm, rule]);
    expect(found.some((f) => f.kind === 'ServiceMonitor')).toBe(true);
    expect(found.some((f) => f.kind === 'PrometheusRule')).toBe(true);
  });
});

/**
 * Every metric an alert uses, with the documentation that defines it. A new
 * alert on an undocumented metric fails here.
 */
const DOCUMENTED_METRICS: { [metric: string]: string } = {
  up: 'Prometheus: per-target scrape health',
  has_quorum: 'redis.io Prometheus metrics v2, Cluster metrics',
  node_metrics_up: 'redis.io Prometheus metrics v2, Node metrics (v1 node_up)',
  redis_server_up: 'redis.io Prometheus metrics v2, Shard metrics',
  redis_server_used_memory: 'redis.io Prometheus metrics v2, Shard metrics',
  redis_server_maxmemory: 'redis.io Prometheus metrics v2, Shard metrics',
  redis_server_master_link_status: 'redis.io Prometheus metrics v2, Shard metrics',
  database_syncer_current_status: 'redis.io Prometheus metrics v2, Replication metrics',
  node_cert_expires_in_seconds: 'redis.io Prometheus metrics v2, Node metrics; Monitor certificates',
  license_expiration_days: 'redis.io Prometheus metrics v2, Cluster metrics',
  license_shards_limit: 'redis.io Prometheus metrics v2, Cluster metrics',
};
const PROMQL_FUNCTIONS = new Set(['absent', 'min', 'max', 'count', 'sum']);

test('alerts use only documented metrics, with balanced brackets', () => {
  for (const a of clusterAlerts('ns', 'rec-prom', 'rec')) {
    // Drop label matchers and `by (...)` label lists: what remains are functions and metric names.
    const bare = a.expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '').replace(/\bby \([^)]*\)/g, '');
    for (const id of bare.match(/[a-zA-Z_][a-zA-Z0-9_]*/g) ?? []) {
      if (PROMQL_FUNCTIONS.has(id)) continue;
      expect(DOCUMENTED_METRICS).toHaveProperty([id]);
    }
    for (const [open, close] of [['(', ')'], ['{', '}']]) {
      expect(a.expr.split(open).length).toBe(a.expr.split(close).length);
    }
  }
});
