import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { DEFAULT_INGRESS_CONTROLLER, IngressController } from './external-access-props';
import type { ExposedEndpoint, ExposureContext } from './exposure-context';
import { objectMeta } from './metadata';

/**
 * The annotations that make each controller pass TLS through to Redis
 * Enterprise untouched, routed by SNI. They are what the library relies on,
 * so user annotations may not change them (RENET006).
 *
 * - NGINX: the community ingress-nginx controller (kubernetes/ingress-nginx,
 *   docs user-guide/nginx-configuration/annotations.md, "SSL Passthrough" and
 *   "Backend Protocol"). `ssl-passthrough` only works when the controller runs
 *   with `--enable-ssl-passthrough`; without that flag the controller would
 *   terminate TLS itself, and `backend-protocol: HTTPS` at least keeps the hop
 *   to the REST API encrypted (database traffic is not HTTP and fails either
 *   way, which is why the flag is required). These annotations are not read
 *   by F5's NGINX Ingress Controller (nginxinc), which does passthrough with
 *   its TransportServer resource instead. ingress-nginx was retired in March
 *   2026 (no releases or security fixes after that; see the reference notes,
 *   section d); HAProxy or Istio are the recommended choices now.
 * - HAProxy: the HAProxy Kubernetes Ingress Controller (haproxytech/kubernetes-ingress,
 *   documentation/annotations.md, `ssl-passthrough`, available since 1.4 on
 *   Ingress, Service and ConfigMap). It accepts the `haproxy.org/`,
 *   `haproxy.com/` and `ingress.kubernetes.io/` prefixes for the same
 *   annotation; the Redis docs' example uses `ingress.kubernetes.io/ssl-passthrough`,
 *   we emit the controller's own documented `haproxy.org/` form. (jcmoraisjr's
 *   community haproxy-ingress is a different controller with its own
 *   `haproxy-ingress.github.io/ssl-passthrough`; add it through `annotations`.)
 */
export const PASSTHROUGH_ANNOTATIONS: { readonly [controller: string]: { readonly [key: string]: string } } = {
  [IngressController.NGINX]: {
    'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
    'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  },
  [IngressController.HAPROXY]: {
    'haproxy.org/ssl-passthrough': 'true',
  },
};

/** The controller in effect (HAProxy unless told otherwise). */
export function ingressControllerOf(ctx: ExposureContext): IngressController {
  return ctx.access.ingressController ?? DEFAULT_INGRESS_CONTROLLER;
}

/**
 * One Ingress per endpoint: a single host rule to the in-cluster Service. No
 * `tls` section: with passthrough the controller never holds a certificate,
 * Redis Enterprise presents its own (proxy or API certificate). The class is
 * set with `spec.ingressClassName`; the operator's `kubernetes.io/ingress.class`
 * annotation has been deprecated since Kubernetes 1.18.
 */
export function addIngress(scope: Construct, id: string, ctx: ExposureContext, endpoint: ExposedEndpoint): void {
  const controller = ingressControllerOf(ctx);
  new k8s.KubeIngress(scope, id, {
    metadata: objectMeta(ctx, endpoint.name, { ...PASSTHROUGH_ANNOTATIONS[controller] }),
    spec: {
      ingressClassName: ctx.access.ingressClassName ?? controller,
      rules: [{
        host: endpoint.host,
        http: {
          paths: [{
            // Passthrough routes on SNI before any HTTP parsing; the path only
            // has to match everything.
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: endpoint.serviceName, port: { number: endpoint.servicePort } } },
          }],
        },
      }],
    },
  });
}
