/** Namespace labels (matchLabels of a namespaceSelector). */
export type NamespaceLabels = Record<string, string>;

/** Egress fence of the node pods (a NetworkPolicy applies to a whole pod, not one container). */
export interface NodeEgressProps {
  /**
   * Addresses of the Kubernetes API server endpoints the reconciler reaches
   * (after the `kubernetes` Service is resolved: most network plugins apply
   * policies to the endpoint, not the Service IP), e.g. the control-plane nodes.
   */
  readonly kubernetesApiCidrs: string[];
  /** @default [443, 6443] */
  readonly kubernetesApiPorts?: number[];
  /**
   * Further destinations of the Redis Enterprise node: backup storage, LDAP
   * servers, Active-Active peers, any port.
   * @default - none
   */
  readonly allowedCidrs?: string[];
}

/**
 * A NetworkPolicy for the node pods. Ingress is allowed only:
 * - from the cluster's own node pods, on every port but the sidecar's 8090
 *   (Redis Enterprise asks for all its internode ports open between nodes and
 *   their list changes between versions);
 * - from `exposureNamespaceLabels` (ingress controller, Istio gateway) to the
 *   REST API (9443) and the database ports;
 * - from `clientNamespaceLabels` to the database ports and the discovery service (8001);
 * - from `prometheusNamespaceLabels` to the metrics port (8070).
 * Nothing may reach the sidecar's 8090: the kubelet's probes and the preStop
 * hook come from the pod's own node, which NetworkPolicy always allows.
 */
export interface NodeNetworkPolicyProps {
  /** @default - no exposure path */
  readonly exposureNamespaceLabels?: NamespaceLabels;
  /** @default - the pods of the cluster's own namespace */
  readonly clientNamespaceLabels?: NamespaceLabels;
  /** @default - nothing may scrape 8070 */
  readonly prometheusNamespaceLabels?: NamespaceLabels;
  /** @default - egress is not restricted */
  readonly egress?: NodeEgressProps;
}
