import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { nodeSelectorLabels, SERVICE_LABEL } from '../contract/labels';
import { clusterObjectMeta } from './metadata';
import { DISCOVERY_PORT, METRICS_PORT, REST_API_PORT, UI_PORT } from '../contract/ports';

function port(name: string, number: number): k8s.ServicePort {
  return { name, port: number, targetPort: k8s.IntOrString.fromNumber(number), protocol: 'TCP' };
}

/** The cluster's Services, named as the operator names them. */
export function addClusterServices(scope: Construct, spec: ClusterSpec): void {
  const selector = nodeSelectorLabels(spec.name);
  new k8s.KubeService(scope, 'ApiService', {
    metadata: clusterObjectMeta(spec, spec.names.cluster),
    spec: { type: spec.apiServiceType, selector, ports: [port('api', REST_API_PORT), port('discovery', DISCOVERY_PORT)] },
  });
  new k8s.KubeService(scope, 'UiService', {
    metadata: clusterObjectMeta(spec, spec.names.uiService),
    spec: { type: spec.uiServiceType, selector, ports: [port('ui', UI_PORT)] },
  });
  new k8s.KubeService(scope, 'MetricsService', {
    // Prometheus ServiceMonitors select this label, as with the operator.
    metadata: clusterObjectMeta(spec, spec.names.metricsService, { [SERVICE_LABEL]: 'prom-metrics' }),
    spec: { clusterIp: 'None', selector, ports: [port('metrics', METRICS_PORT)] },
  });
  new k8s.KubeService(scope, 'NodesService', {
    metadata: clusterObjectMeta(spec, spec.names.nodesService),
    spec: {
      clusterIp: 'None',
      selector,
      // Nodes must resolve each other while joining, before any of them is Ready.
      publishNotReadyAddresses: true,
      ports: [port('api', REST_API_PORT), port('discovery', DISCOVERY_PORT), port('ui', UI_PORT), port('metrics', METRICS_PORT)],
    },
  });
}
