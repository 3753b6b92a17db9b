import { MonitoringContext, MonitoringProps } from './monitoring-props';

/**
 * Metadata of a monitoring object: the user's extra labels first, the
 * cluster's labels last so that they always win (REMON003 reports a clash).
 */
export function monitoringObjectMeta(ctx: MonitoringContext, props: MonitoringProps, name: string) {
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...props.labels, ...ctx.labels },
  };
}

/** Names of the monitoring objects of cluster `<rec>`. */
export function serviceMonitorName(ctx: MonitoringContext): string {
  // The Service it scrapes; a ServiceMonitor is a different kind, so the names do not clash.
  return ctx.metricsServiceName;
}

export function prometheusRuleName(ctx: MonitoringContext): string {
  return `${ctx.clusterName}-alerts`;
}
