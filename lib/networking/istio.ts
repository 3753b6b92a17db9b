import { Construct } from 'constructs';
import { Gateway, GatewaySpecServersTlsMode } from '../../imports/istio-gateway-networking.istio.io';
import { VirtualService } from '../../imports/istio-virtualservice-networking.istio.io';
import type { ExposedEndpoint, ExposureContext } from './exposure-context';
import { objectMeta } from './metadata';

/** Pods of Istio's default ingress gateway install carry this label. */
export const DEFAULT_ISTIO_GATEWAY_SELECTOR: { readonly [key: string]: string } = { istio: 'ingressgateway' };

/** The port external clients connect to, for every endpoint and method. */
export const EXTERNAL_TLS_PORT = 443;

/** Name of the cluster's Istio Gateway. */
export function istioGatewayName(clusterName: string): string {
  return `${clusterName}-gateway`;
}

/**
 * The cluster's Gateway: one TLS server on 443 in PASSTHROUGH mode (the
 * gateway routes on SNI and never decrypts), for the API host and every
 * database host (`*<suffix>`; validation makes sure the suffix starts with
 * '.', as Istio refuses partial wildcards such as `*-db.example.com`).
 * networking.istio.io/v1 is the storage version of the vendored Istio 1.30 CRD
 * and has been served since Istio 1.22.
 */
export function addIstioGateway(scope: Construct, ctx: ExposureContext): void {
  const access = ctx.access;
  new Gateway(scope, 'ExternalAccessGateway', {
    metadata: objectMeta(ctx, istioGatewayName(ctx.clusterName), {}, false),
    spec: {
      selector: { ...(access.istioGatewaySelector ?? DEFAULT_ISTIO_GATEWAY_SELECTOR) },
      servers: [{
        port: { number: EXTERNAL_TLS_PORT, name: 'tls-passthrough', protocol: 'TLS' },
        hosts: [access.apiFqdn, `*${access.dbFqdnSuffix}`],
        tls: { mode: GatewaySpecServersTlsMode.PASSTHROUGH },
      }],
    },
  });
}

/**
 * One VirtualService per endpoint, bound to the cluster's Gateway: TLS
 * connections on 443 whose SNI is the endpoint's host go to its Service. The
 * destination is the Service's full DNS name so that the route does not
 * depend on the namespace Istio resolves short names in.
 */
export function addIstioVirtualService(scope: Construct, id: string, ctx: ExposureContext, endpoint: ExposedEndpoint): void {
  const clusterDomain = ctx.clusterDomain ?? 'cluster.local';
  new VirtualService(scope, id, {
    metadata: objectMeta(ctx, endpoint.name),
    spec: {
      hosts: [endpoint.host],
      gateways: [istioGatewayName(ctx.clusterName)],
      tls: [{
        match: [{ port: EXTERNAL_TLS_PORT, sniHosts: [endpoint.host] }],
        route: [{
          destination: {
            host: `${endpoint.serviceName}.${ctx.namespace}.svc.${clusterDomain}`,
            port: { number: endpoint.servicePort },
          },
        }],
      }],
    },
  });
}
