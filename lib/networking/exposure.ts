import { Construct } from 'constructs';
import { ExternalAccessMethod, ExternalAccessProps } from './external-access-props';
import { addIngress } from './ingress';
import { addIstioGateway, addIstioVirtualService } from './istio';
import { addOpenShiftRoute } from './openshift-route';

export { validateExternalAccess } from './external-access-validation';

/** What every generated networking object of one cluster shares. */
export interface ExposureContext {
  readonly namespace: string;
  /** The cluster name, `<rec>`. */
  readonly clusterName: string;
  /** Labels of every generated object. */
  readonly labels: { [key: string]: string };
  readonly access: ExternalAccessProps;
  /**
   * DNS domain of the Kubernetes cluster, for the Istio destinations
   * (`<service>.<namespace>.svc.<domain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** One endpoint reachable from outside: the REST API or a database. */
export interface ExposedEndpoint {
  /** Name of the generated object, e.g. `<rec>-api` or `<db>`. */
  readonly name: string;
  /** The external FQDN clients connect to (and send as SNI). */
  readonly host: string;
  /** The in-cluster Service traffic goes to. */
  readonly serviceName: string;
  /** Its port: 9443 for the REST API, the database port for a database. */
  readonly servicePort: number;
  /**
   * Name of that Service port (`api`, `redis`); OpenShift Routes then target
   * the port by name.
   * @default - Routes target the port number
   */
  readonly servicePortName?: string;
}

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
