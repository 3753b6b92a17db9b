import { Construct } from 'constructs';
import { ExternalAccessMethod } from './external-access-props';
import { addIngress } from './ingress';
import { addIstioGateway, addIstioVirtualService } from './istio';
import { addOpenShiftRoute } from './openshift-route';
import { ExposedEndpoint, ExposureContext } from './exposure-context';

/**
 * Creates, under `scope` with construct id `id`, the object that exposes one
 * endpoint through TLS passthrough on 443: an Ingress, an Istio
 * VirtualService or an OpenShift Route, named `endpoint.name`.
 */
export function addEndpointExposure(scope: Construct, id: string, ctx: ExposureContext, endpoint: ExposedEndpoint): void {
  switch (ctx.access.method) {
    case ExternalAccessMethod.INGRESS:
      addIngress(scope, id, ctx, endpoint);
      return;
    case ExternalAccessMethod.ISTIO:
      addIstioVirtualService(scope, id, ctx, endpoint);
      return;
    case ExternalAccessMethod.OPENSHIFT_ROUTE:
      addOpenShiftRoute(scope, id, ctx, endpoint);
      return;
    default:
      // An unknown method (JavaScript callers) is reported by validation (RENET007); emit nothing.
      return;
  }
}

/**
 * The objects a method needs once per cluster: for ISTIO the Gateway
 * (`<rec>-gateway`, hosts [apiFqdn, '*' + dbFqdnSuffix], port 443 TLS
 * PASSTHROUGH); nothing for INGRESS and OPENSHIFT_ROUTE.
 */
export function addExternalAccessGateway(scope: Construct, ctx: ExposureContext): void {
  if (ctx.access.method === ExternalAccessMethod.ISTIO) {
    addIstioGateway(scope, ctx);
  }
}
