import { Construct } from 'constructs';
import { MonitoringContext, MonitoringProps } from './monitoring-props';
import { addPrometheusRule } from './prometheus-rule';
import { addServiceMonitor } from './service-monitor';

export { AlertDefinition, AlertSeverity, clusterAlerts } from './alerts';
export { parsePrometheusDuration } from './duration';
export { prometheusRuleName, serviceMonitorName } from './metadata';
export { DEFAULT_SCRAPE_INTERVAL, MonitoringContext, MonitoringProps } from './monitoring-props';
export { validateMonitoring } from './monitoring-validation';
export { METRICS_PATH, METRICS_PORT_NAME } from './service-monitor';

/**
 * Creates, under `scope`, the monitoring objects `props` turns on: a
 * ServiceMonitor `<rec>-prom` and/or a PrometheusRule `<rec>-alerts`
 * (monitoring.coreos.com/v1; the Prometheus Operator CRDs must be installed).
 */
export function addMonitoring(scope: Construct, ctx: MonitoringContext, props: MonitoringProps): void {
  if (props.serviceMonitor === true) addServiceMonitor(scope, ctx, props);
  if (props.prometheusRules === true) addPrometheusRule(scope, ctx, props);
}
