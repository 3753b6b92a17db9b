/**
 * How the cluster's REST API and its databases are reached from outside the
 * Kubernetes cluster (the operator's `ingressOrRouteSpec`). Every method routes
 * TLS by SNI on port 443 without terminating it (passthrough): Redis clients
 * and the Active-Active syncer speak TLS end to end with Redis Enterprise, so
 * a database exposed this way must have TLS enabled.
 */
export enum ExternalAccessMethod {
  /** A networking.k8s.io/v1 Ingress per endpoint, for NGINX or HAProxy with SSL passthrough. */
  INGRESS = 'ingress',
  /** An Istio Gateway per cluster and a VirtualService per endpoint (TLS PASSTHROUGH, routed by SNI). */
  ISTIO = 'istio',
  /** An OpenShift Route per endpoint with passthrough termination. */
  OPENSHIFT_ROUTE = 'openShiftRoute',
}

/** Ingress controllers whose SSL passthrough annotations the library knows. */
export enum IngressController {
  /**
   * The community ingress-nginx controller (kubernetes/ingress-nginx). It must
   * run with `--enable-ssl-passthrough`. Note: that project was retired in
   * March 2026 (no more releases or security fixes); prefer HAProxy or Istio
   * for new installations.
   */
  NGINX = 'nginx',
  /** The HAProxy Kubernetes Ingress Controller (haproxytech/kubernetes-ingress) 1.4 or newer. */
  HAPROXY = 'haproxy',
}

/** External access to the cluster's REST API and databases. */
export interface ExternalAccessProps {
  /** Which kind of objects route the traffic. */
  readonly method: ExternalAccessMethod;
  /**
   * External hostname of the cluster's REST API, e.g. `api.rec1.example.com`.
   * Active-Active peers reach the cluster through it. DNS must point it at
   * the ingress controller / router / Istio ingress gateway.
   */
  readonly apiFqdn: string;
  /**
   * Suffix of the databases' external hostnames: a database `db1` gets
   * `db1<suffix>`, e.g. `.db.rec1.example.com` gives `db1.db.rec1.example.com`.
   * Starts with `.` (a wildcard DNS record `*.db.rec1.example.com` then covers
   * every database) or `-` (the operator's older style, `db1-db.example.com`;
   * not possible with Istio).
   */
  readonly dbFqdnSuffix: string;
  /**
   * The ingress controller, which decides the passthrough annotations.
   * Only with method INGRESS.
   * @default IngressController.HAPROXY (ingress-nginx is retired upstream)
   */
  readonly ingressController?: IngressController;
  /**
   * `spec.ingressClassName` of the generated Ingresses. Only with method INGRESS.
   * @default - the controller's name: `haproxy` or `nginx`
   */
  readonly ingressClassName?: string;
  /**
   * Extra annotations on the generated Ingresses, Routes or VirtualServices,
   * e.g. for external-dns or a router shard. They may not change the
   * passthrough annotations the library sets.
   * @default - only the library's annotations
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Labels of the Istio ingress gateway pods the Gateway binds to. Only with
   * method ISTIO.
   * @default { istio: 'ingressgateway' }
   */
  readonly istioGatewaySelector?: { [key: string]: string };
}

/** The controller when none is named: ingress-nginx was retired upstream in March 2026, HAProxy is maintained. */
export const DEFAULT_INGRESS_CONTROLLER = IngressController.HAPROXY;
