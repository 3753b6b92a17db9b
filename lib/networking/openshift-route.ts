import { Construct } from 'constructs';
import {
  Route,
  RouteSpecTlsInsecureEdgeTerminationPolicy,
  RouteSpecTlsTermination,
  RouteSpecToKind,
} from '../../imports/openshift-route-route.openshift.io';
import type { ExposedEndpoint, ExposureContext } from './exposure-context';
import { objectMeta } from './metadata';

/**
 * One Route per endpoint with passthrough termination: the OpenShift router
 * (HAProxy) picks the backend by SNI and forwards the TLS stream untouched,
 * like the operator's `method: openShiftRoute`. Plain-text connections on the
 * router's port 80 are refused (`insecureEdgeTerminationPolicy: None`; the
 * Route API forbids `Allow` with passthrough). `targetPort` names the Service
 * port when the caller knows its name (it then survives a port renumbering),
 * else its number, which equals the target port for every Service we expose.
 */
export function addOpenShiftRoute(scope: Construct, id: string, ctx: ExposureContext, endpoint: ExposedEndpoint): void {
  new Route(scope, id, {
    metadata: objectMeta(ctx, endpoint.name),
    spec: {
      host: endpoint.host,
      to: { kind: RouteSpecToKind.SERVICE, name: endpoint.serviceName, weight: 100 },
      port: { targetPort: endpoint.servicePortName ?? endpoint.servicePort },
      tls: {
        termination: RouteSpecTlsTermination.PASSTHROUGH,
        insecureEdgeTerminationPolicy: RouteSpecTlsInsecureEdgeTerminationPolicy.NONE,
      },
    },
  });
}
