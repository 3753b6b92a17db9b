import { Construct } from 'constructs';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels, SERVICE_LABEL } from '../contract/labels';
import { clusterObjectMeta } from './metadata';
import { DISCOVERY_PORT, METRICS_PORT, REST_API_PORT, UI_PORT } from '../contract/ports';
import { addService, servicePort as port } from './service-object';

/** The cluster's Services, named as the operator names them. */
export function addClusterServices(scope: Construct, spec: ClusterSpec): void {
  const selector = nodeSelectorLabels(spec.name);
  addService(scope, 'ApiService', clusterObjectMeta(spec, spec.names.cluster),
    { type: spec.apiServiceType, selector, ports: [port('api', REST_API_PORT), port('discovery', DISCOVERY_PORT)] });
  addService(scope, 'UiService', clusterObjectMeta(spec, spec.names.uiService),
    { type: spec.uiServiceType, selector, ports: [port('ui', UI_PORT)] });
  // Prometheus ServiceMonitors select this label, as with the operator.
  addService(scope, 'MetricsService', clusterObjectMeta(spec, spec.names.metricsService, { [SERVICE_LABEL]: 'prom-metrics' }),
    { clusterIP: 'None', selector, ports: [port('metrics', METRICS_PORT)] });
  addService(scope, 'NodesService', clusterObjectMeta(spec, spec.names.nodesService), {
    clusterIP: 'None',
    selector,
    // Nodes must resolve each other while joining, before any of them is Ready.
    publishNotReadyAddresses: true,
    ports: [port('api', REST_API_PORT), port('discovery', DISCOVERY_PORT), port('ui', UI_PORT), port('metrics', METRICS_PORT)],
  });
}
