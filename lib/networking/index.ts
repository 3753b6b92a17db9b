export { DEFAULT_INGRESS_CONTROLLER, ExternalAccessMethod, ExternalAccessProps, IngressController } from './external-access-props';
export { addEndpointExposure, addExternalAccessGateway } from './exposure';
export { ExposedEndpoint, ExposureContext } from './exposure-context';
export { validateExternalAccess } from './external-access-validation';
export { databaseHost, isValidDbFqdnSuffix, isValidHost, maxDatabaseNameLength } from './hosts';
export { PASSTHROUGH_ANNOTATIONS } from './ingress';
export { DEFAULT_ISTIO_GATEWAY_SELECTOR, EXTERNAL_TLS_PORT, istioGatewayName } from './istio';
export { NamespaceLabels, NodeEgressProps, NodeNetworkPolicyProps } from './network-policy-props';
export { addNodeNetworkPolicy } from './network-policy';
