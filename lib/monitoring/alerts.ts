/**
 * The alerts of the opt-in PrometheusRule. Every metric is a documented
 * Redis Enterprise (Redis Software) v2 metric, served at `:8070/v2` since
 * 7.8.2 (v1 metrics at `/` are deprecated): redis.io "Prometheus metrics v2"
 * (docs content/embeds/rs-prometheus-metrics-v2.md) and, where the
 * expression follows Redis's own PromQL, "Transition from Prometheus v1 to
 * Prometheus v2" (content/integrate/prometheus-with-redis-enterprise/prometheus-metrics-v1-to-v2.md).
 *
 * Each expression is restricted to this cluster by the labels the Prometheus
 * Operator puts on every scraped series (`namespace`, `service`), so several
 * clusters can share one Prometheus. Aggregations use min/max/count rather
 * than sum where a series could be scraped twice (e.g. while the master label
 * moves between pods), so a duplicate never fires an alert.
 */

export enum AlertSeverity {
  WARNING = 'warning',
  CRITICAL = 'critical',
}

export interface AlertDefinition {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold. */
  readonly for: string;
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly description: string;
}

/** Certificates Redis Enterprise rotates by itself (30-day validity): not worth an alert. */
const AUTO_ROTATED_CERTIFICATES = 'ccs_internode_encryption|data_internode_encryption|mesh_ca_signed|gossip_ca_signed';
const DAY_SECONDS = 86400;

/** The alerts for the cluster whose metrics Service is `service` in `namespace`. */
export function clusterAlerts(namespace: string, service: string, clusterName: string): AlertDefinition[] {
  const sel = `namespace="${namespace}",service="${service}"`;
  const rec = `Redis Enterprise cluster ${namespace}/${clusterName}`;
  return [
    {
      alert: 'RedisEnterpriseMetricsAbsent',
      // `up` is Prometheus' own per-target metric. The ServiceMonitor keeps
      // only the master node's pod (label redis.io/role-master, set by the
      // reconciler), so no target means the pod is down or no master is known.
      expr: `absent(up{${sel}} == 1)`,
      for: '10m',
      severity: AlertSeverity.WARNING,
      summary: `No metrics from ${rec}`,
      description: `Prometheus has not scraped ${service}:8070/v2 successfully for 10 minutes: the master node's pod is down, `
        + 'not labelled redis.io/role-master yet (cluster not bootstrapped), or the ServiceMonitor is not selected by Prometheus.',
    },
    {
      alert: 'RedisEnterpriseClusterQuorumLost',
      // has_quorum{node}: v2 "Cluster metrics", 1 = has quorum, 0 = no quorum.
      expr: `min(has_quorum{${sel}}) == 0`,
      for: '1m',
      severity: AlertSeverity.CRITICAL,
      summary: `${rec} has lost quorum`,
      description: 'A node reports that the cluster has no quorum: cluster configuration changes fail and databases may stop. '
        + 'Recovery may need clusterRecovery.',
    },
    {
      alert: 'RedisEnterpriseNodeDown',
      // node_metrics_up: v2 "Node metrics" (v1 node_up), 1 = part of the cluster and connected; the v2
      // endpoint labels every series with the node's id (`node`).
      expr: `min by (namespace, service, node) (node_metrics_up{${sel}}) == 0`,
      for: '2m',
      severity: AlertSeverity.CRITICAL,
      summary: `A node of ${rec} is down`,
      description: 'Node {{ $labels.node }} is not connected to the cluster. Its shards fail over to replicas; another node loss may lose quorum.',
    },
    {
      alert: 'RedisEnterpriseShardDown',
      // redis_server_up: v2 "Shard metrics", 1 = up; the v1->v2 guide defines bdb_up as min by(db) (redis_server_up).
      expr: `min by (namespace, service, db) (redis_server_up{${sel}}) == 0`,
      for: '2m',
      severity: AlertSeverity.CRITICAL,
      summary: `A shard of database {{ $labels.db }} in ${rec} is down`,
      description: 'At least one shard of database {{ $labels.db }} has been down for 2 minutes.',
    },
    {
      alert: 'RedisEnterpriseShardMemoryHigh',
      // redis_server_used_memory and redis_server_maxmemory: v2 "Shard metrics" (bytes; maxmemory is the
      // limit redis_mgr derives from the database memory limit). Same shard, same labels, so they divide 1:1.
      expr: `max by (namespace, service, db) (redis_server_used_memory{${sel}} / (redis_server_maxmemory{${sel}} > 0)) > 0.9`,
      for: '10m',
      severity: AlertSeverity.WARNING,
      summary: `Database {{ $labels.db }} in ${rec} is above 90% of its memory limit`,
      description: 'A shard of database {{ $labels.db }} uses {{ $value | humanizePercentage }} of its memory limit. '
        + 'Writes fail or keys are evicted (per the eviction policy) at 100%: raise memorySize or add shards.',
    },
    {
      alert: 'RedisEnterpriseReplicaLinkDown',
      // redis_server_master_link_status: v2 "Shard metrics", 1 = up, 2 = down, 3 = none, 99 = unknown.
      expr: `redis_server_master_link_status{${sel}} == 2`,
      for: '5m',
      severity: AlertSeverity.WARNING,
      summary: `A replica shard of database {{ $labels.db }} in ${rec} lost its primary`,
      description: 'A replica shard has not been connected to its primary for 5 minutes; the database has no up-to-date copy to fail over to.',
    },
    {
      alert: 'RedisEnterpriseSyncerOutOfSync',
      // database_syncer_current_status: v2 "Replication metrics", 0 = in sync; the v1->v2 guide maps
      // bdb_crdt_syncer_status (Active-Active) and bdb_replicaof_syncer_status (Replica Of) to it by syncer_type.
      expr: `max by (namespace, service, db, syncer_type) (database_syncer_current_status{${sel}}) != 0`,
      for: '15m',
      severity: AlertSeverity.WARNING,
      summary: `Database {{ $labels.db }} in ${rec} is not in sync ({{ $labels.syncer_type }})`,
      description: 'The Active-Active or Replica Of syncer of database {{ $labels.db }} has not been in sync for 15 minutes: '
        + 'check the peers\' external access (ingress/route), TLS and credentials.',
    },
    ...thresholdPair({
      alert: 'RedisEnterpriseCertificateExpiry',
      // node_cert_expires_in_seconds: v2 "Node metrics" and redis.io "Monitor certificates" (v2 section), label logical_name.
      metric: `min by (namespace, service, logical_name) (node_cert_expires_in_seconds{${sel},logical_name!~"${AUTO_ROTATED_CERTIFICATES}"})`,
      warningBelow: 30 * DAY_SECONDS,
      criticalBelow: 7 * DAY_SECONDS,
      summary: `The {{ $labels.logical_name }} certificate of ${rec} expires soon`,
      description: 'The {{ $labels.logical_name }} certificate expires in {{ $value | humanizeDuration }}. Replace it (cluster certificates props) before it does.',
    }),
    ...thresholdPair({
      alert: 'RedisEnterpriseLicenseExpiry',
      // license_expiration_days: v2 "Cluster metrics".
      metric: `min by (namespace, service) (license_expiration_days{${sel}})`,
      warningBelow: 30,
      criticalBelow: 7,
      summary: `The license of ${rec} expires soon`,
      description: 'The Redis Enterprise license expires in {{ $value }} days; once it has expired, database settings cannot be changed and no database can be added (redis.io "Cluster license keys").',
    }),
    {
      alert: 'RedisEnterpriseLicenseShardsNearLimit',
      // redis_server_up (v2 "Shard metrics") has one series per shard, primaries and replicas alike, which is how the
      // license counts shards; license_shards_limit (v2 "Cluster metrics", v1 cluster_shards_limit) is the limit per
      // shard type (RAM / flash), summed here: an approximation for clusters with Auto Tiering.
      expr: `count(redis_server_up{${sel}}) > 0.9 * sum(license_shards_limit{${sel}})`,
      for: '15m',
      severity: AlertSeverity.WARNING,
      summary: `${rec} uses more than 90% of its licensed shards`,
      description: 'New databases or shards will be refused when the license shard limit is reached.',
    },
  ];
}

interface ThresholdPair {
  readonly alert: string;
  readonly metric: string;
  readonly warningBelow: number;
  readonly criticalBelow: number;
  readonly summary: string;
  readonly description: string;
}

/** A warning and a critical alert on one "time left" metric; the critical one takes over near the end. */
function thresholdPair(p: ThresholdPair): AlertDefinition[] {
  return [
    { alert: `${p.alert}Warning`, expr: `${p.metric} < ${p.warningBelow}`, for: '1h', severity: AlertSeverity.WARNING, summary: p.summary, description: p.description },
    { alert: `${p.alert}Critical`, expr: `${p.metric} < ${p.criticalBelow}`, for: '10m', severity: AlertSeverity.CRITICAL, summary: p.summary, description: p.description },
  ];
}
