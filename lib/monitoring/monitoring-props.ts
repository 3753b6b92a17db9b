/**
 * Prometheus Operator integration of a cluster: a ServiceMonitor for the
 * `<rec>-prom` Service and a PrometheusRule with alerts on documented Redis
 * Enterprise metrics. Both are opt-in, because their kinds
 * (monitoring.coreos.com/v1) only exist where the Prometheus Operator's CRDs
 * are installed.
 */
export interface MonitoringProps {
  /**
   * Emit a ServiceMonitor that scrapes the cluster's v2 metrics endpoint
   * (`https://<pod>:8070/v2`).
   * @default false
   */
  readonly serviceMonitor?: boolean;
  /**
   * How often Prometheus scrapes, as a Prometheus duration (`30s`, `1m`).
   * @default '30s'
   */
  readonly scrapeInterval?: string;
  /**
   * Scrape timeout, a Prometheus duration no longer than scrapeInterval. The
   * v2 endpoint gathers the metrics of every node before it answers, so
   * Redis recommends a generous timeout.
   * @default - equal to scrapeInterval
   */
  readonly scrapeTimeout?: string;
  /**
   * Secret (in the cluster's namespace) holding the CA that signed the
   * metrics exporter certificate, when that certificate was replaced (cluster
   * certificate `metrics_exporter`). Prometheus then verifies the server.
   * Needs tlsServerName.
   * @default - the certificate is not verified (Redis Enterprise serves a self-signed one)
   */
  readonly tlsCaSecretName?: string;
  /**
   * Key of the CA certificate in tlsCaSecretName.
   * @default 'ca.crt'
   */
  readonly tlsCaSecretKey?: string;
  /**
   * Name to verify the metrics certificate against (Prometheus connects to
   * pod IPs, which the certificate does not name). Only with tlsCaSecretName.
   * @default - none
   */
  readonly tlsServerName?: string;
  /**
   * Emit a PrometheusRule with alerts on quorum, node and shard health,
   * memory, replication and Active-Active sync, certificate and license expiry.
   * @default false
   */
  readonly prometheusRules?: boolean;
  /**
   * Extra labels on the ServiceMonitor and the PrometheusRule, typically what
   * the Prometheus resource selects them by (e.g. `release: prometheus`).
   * @default - only the cluster's labels
   */
  readonly labels?: { [key: string]: string };
}

/** What addMonitoring needs to know about the cluster. */
export interface MonitoringContext {
  readonly namespace: string;
  /** The cluster name, `<rec>`. */
  readonly clusterName: string;
  /** Labels of every generated object. */
  readonly labels: { [key: string]: string };
  /** The metrics Service, `<rec>-prom`. */
  readonly metricsServiceName: string;
}

export const DEFAULT_SCRAPE_INTERVAL = '30s';
export const DEFAULT_TLS_CA_SECRET_KEY = 'ca.crt';
