import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheusrule-monitoring.coreos.com';
import { clusterAlerts } from './alerts';
import { monitoringObjectMeta, prometheusRuleName } from './metadata';
import { MonitoringContext, MonitoringProps } from './monitoring-props';

/** One rule group per cluster, named after it so that several clusters' rules stay apart in Prometheus. */
export function addPrometheusRule(scope: Construct, ctx: MonitoringContext, props: MonitoringProps): void {
  new PrometheusRule(scope, 'PrometheusRule', {
    metadata: monitoringObjectMeta(ctx, props, prometheusRuleName(ctx)),
    spec: {
      groups: [{
        name: `redis-enterprise.${ctx.namespace}.${ctx.clusterName}`,
        rules: clusterAlerts(ctx.namespace, ctx.metricsServiceName, ctx.clusterName).map((a) => ({
          alert: a.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
          for: a.for,
          labels: { severity: a.severity },
          annotations: { summary: a.summary, description: a.description },
        })),
      }],
    },
  });
}
