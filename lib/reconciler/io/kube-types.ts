/**
 * The few Kubernetes object shapes the reconciler reads and writes, as plain
 * data: only the fields the reconciler uses. Field names match the Kubernetes
 * API exactly, so objects pass through the client as JSON unchanged.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  ownerReferences?: OwnerReference[];
  /** Set once deletion was requested (the object is terminating), RFC 3339. */
  deletionTimestamp?: string;
  /** RFC 3339, set by the API server. */
  creationTimestamp?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ConfigMap {
  apiVersion?: 'v1';
  kind?: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

export interface Secret {
  apiVersion?: 'v1';
  kind?: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  /** Base64 values, as the API returns them. */
  data?: Record<string, string>;
  /** Plain values; only used when creating. */
  stringData?: Record<string, string>;
}

export interface PodCondition {
  type: string;
  status: string;
}

export interface PodContainer {
  name: string;
  image?: string;
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string; containers?: PodContainer[] };
  status?: { podIP?: string; phase?: string; conditions?: PodCondition[] };
}

export interface KubeNode {
  metadata: ObjectMeta;
}

export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface EndpointSlice {
  apiVersion?: 'discovery.k8s.io/v1';
  kind?: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: string;
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** RFC 3339 with microseconds, as the API server expects for MicroTime. */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease {
  apiVersion?: 'coordination.k8s.io/v1';
  kind?: 'Lease';
  metadata: ObjectMeta;
  spec?: LeaseSpec;
}

export interface KubeEvent {
  apiVersion?: 'v1';
  kind?: 'Event';
  metadata: ObjectMeta;
  involvedObject: { apiVersion?: string; kind: string; name: string; namespace: string; uid?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  source?: { component: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  reportingComponent?: string;
  reportingInstance?: string;
}
