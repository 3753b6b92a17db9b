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
  generation?: number;
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

export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string; volumes?: PodVolume[]; containers?: PodContainer[] };
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

export interface ClaimCondition {
  type: string;
  status: string;
  message?: string;
}

/** The fields of a PVC that volume expansion reads. */
export interface PersistentVolumeClaim {
  metadata: ObjectMeta;
  spec?: { storageClassName?: string; resources?: { requests?: Record<string, string> } };
  status?: {
    phase?: string;
    capacity?: Record<string, string>;
    conditions?: ClaimCondition[];
    /** e.g. `{ storage: 'ControllerResizeInProgress' }` while a resize runs (RecoverVolumeExpansionFailure, GA in 1.34). */
    allocatedResourceStatuses?: Record<string, string>;
  };
}

/** The fields of the `<rec>` StatefulSet that volume expansion reads. */
export interface StatefulSet {
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    volumeClaimTemplates?: Array<{ metadata?: { name?: string }; spec?: { resources?: { requests?: Record<string, string> } } }>;
  };
  status?: { replicas?: number; readyReplicas?: number; currentRevision?: string; updateRevision?: string; observedGeneration?: number };
}
