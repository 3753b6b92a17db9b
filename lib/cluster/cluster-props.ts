import { k8s } from 'cdk8s-plus-28';
import { MonitoringProps } from '../monitoring';
import { NodeNetworkPolicyProps } from '../networking/network-policy-props';
import { ExternalAccessProps } from '../networking';
import { AutoTieringProps, ClusterCertificatesProps, LdapProps } from './security-props';

/** Kubernetes Service types the cluster's API and UI Services may use. */
export enum ServiceType {
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

/** CPU and memory, as Kubernetes quantities (`2`, `500m`, `4Gi`). */
export interface ResourceQuantities {
  /** @default - see the owning prop */
  readonly cpu?: string;
  /** @default - see the owning prop */
  readonly memory?: string;
}

/**
 * Requests and limits of a container. Redis Enterprise wants Guaranteed QoS,
 * so a side left out copies the other side; requests different from limits
 * give a warning (REC007).
 */
export interface ContainerResources {
  /** @default - equal to `limits`, or the prop's default */
  readonly requests?: ResourceQuantities;
  /** @default - equal to `requests`, or the prop's default */
  readonly limits?: ResourceQuantities;
}

/** Persistent storage of each Redis Enterprise node. */
export interface PersistenceProps {
  /**
   * Must stay true: Redis Enterprise nodes without persistent storage lose the
   * cluster configuration on restart. The prop exists so that a declaration
   * ported from the operator's `persistentSpec.enabled: false` gets a clear
   * error (REC002) instead of being silently ignored.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * StorageClass of the `redis-enterprise-storage` claims. Must be
   * network-attached block storage: a node-local class (local-path,
   * hostpath...) ties each node to one machine and loses it with that machine.
   * @default - the Kubernetes cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Size of each node's volume. Redis Enterprise needs at least 5 × the node
   * memory for persistence files and logs.
   * @default - 5 × the node memory limit (20Gi for 4Gi)
   */
  readonly volumeSize?: string;
  /**
   * A stated reason to accept a node-local StorageClass (REC003), e.g. a
   * throw-away test cluster. Without it such classes are an error.
   * @default - node-local storage classes are refused
   */
  readonly nodeLocalStorageReason?: string;
  /**
   * A stated reason to accept a volume smaller than 5 × node memory (REC004).
   * @default - smaller volumes are refused
   */
  readonly undersizedVolumeReason?: string;
}

/** Props of {@link RedisEnterpriseCluster}. */
export interface RedisEnterpriseClusterProps {
  /**
   * Cluster name (`<rec>`): the StatefulSet, ServiceAccount, API Service and
   * default credentials Secret take it, and every other object derives its
   * name from it. Must be a DNS-1035 label short enough for its longest
   * derived name (`<rec>-desired-state`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of every object. Needed because the Redis Enterprise cluster
   * FQDN (`<rec>.<namespace>.svc.cluster.local`) is fixed at bootstrap.
   * @default - the namespace of the enclosing Chart (one of the two is required)
   */
  readonly namespace?: string;
  /**
   * Which Kubernetes cluster these manifests are applied to. Only used to
   * tell apart clusters of one app that go to different Kubernetes clusters
   * (Active-Active): two Redis Enterprise clusters may share a namespace name
   * only when this differs (REC008).
   * @default - all clusters of the app target the same Kubernetes cluster
   */
  readonly kubernetesClusterName?: string;
  /**
   * Number of Redis Enterprise nodes: odd and at least 3, so that the cluster
   * keeps quorum when one node is lost.
   * @default 3
   */
  readonly nodes?: number;
  /**
   * Redis Enterprise server image.
   * @default 'redislabs/redis:8.0.20-44.23'
   */
  readonly image?: string;
  /**
   * During a rolling upgrade (a new `image`), how long a replaced node may
   * take to come back: its pod Ready, its Redis Enterprise node active on the
   * new version with its shards back, every database active. Past it the
   * roll stops (RollingUpgrade Blocked, the status Degraded) and no further
   * pod is replaced until the node is healthy again.
   * @default 600
   */
  readonly upgradeNodeTimeoutSeconds?: number;
  /**
   * Reconciler sidecar image (built from lib/reconciler/Dockerfile).
   * @default - {@link DEFAULT_RECONCILER_IMAGE}
   */
  readonly reconcilerImage?: string;
  /**
   * Resources of the `redis-enterprise-node` container.
   * @default - 2 CPU and 4Gi, requests = limits
   */
  readonly nodeResources?: ContainerResources;
  /**
   * Resources of the `reconciler` container.
   * @default - 250m CPU and 256Mi, requests = limits
   */
  readonly reconcilerResources?: ContainerResources;
  /**
   * Persistent storage of each node.
   * @default - the cluster default StorageClass, 5 × node memory
   */
  readonly persistence?: PersistenceProps;
  /**
   * Kubernetes node label whose value becomes each Redis Enterprise node's
   * rack id, e.g. `topology.kubernetes.io/zone`. A topology spread
   * constraint then spreads the nodes evenly over its values (several nodes
   * may share a rack, never a host), and databases can place replicas in
   * another rack. The label must exist on every node that may run a Redis
   * Enterprise pod.
   * @default - no rack awareness
   */
  readonly rackAwarenessNodeLabel?: string;
  /**
   * Read the rack label from the Kubernetes Node object (needs a ClusterRole
   * with `get` on nodes) instead of from the pod. `true` always wins. `false`
   * is only possible for `topology.kubernetes.io/zone`/`region`, the labels
   * Kubernetes copies onto pods (from 1.35, or with the
   * PodTopologyLabelsAdmission feature gate on 1.33 and 1.34).
   * @default - true for labels other than zone/region, and for every label when `kubernetesVersion` is below 1.35
   */
  readonly rackIdFromNodeApi?: boolean;
  /**
   * With rack awareness: the fewest racks (distinct values of the rack label)
   * the nodes spread over. While fewer racks have eligible nodes, each rack
   * takes at most one Redis Enterprise node and the others stay Pending
   * (the topology spread's `minDomains`). Redis Enterprise recommends that no
   * rack holds a majority of the nodes, which takes at least 3 racks.
   * @default 3
   */
  readonly minimumRacks?: number;
  /**
   * A GitOps-safe manual trigger for the quorum recovery. The reconciler
   * recovers a cluster that lost its quorum by itself (once every pod is back
   * on its claim and no node reports a live cluster); a recovery that ended
   * Failed is not retried by itself. Raise this number (a whole number, only
   * ever raised, so that git holds no flag a controller has to reset) to start
   * a new run once the cause is fixed. It never bypasses the guard.
   * @default 0
   */
  readonly recoveryGeneration?: number;
  /**
   * The oldest Kubernetes minor version the manifests must work on, written
   * "1.<minor>" (e.g. "1.33"). Supported: 1.30 to 1.36. It decides what the
   * manifests may rely on: below 1.35 pods do not carry their node's zone
   * label, so with rack awareness the rack id is read from the Node.
   * @default "1.30"
   */
  readonly kubernetesVersion?: string;
  /**
   * Extra topology keys, each added as a required anti-affinity term next to
   * the one on `kubernetes.io/hostname` (e.g. a hypervisor label, so two
   * nodes never share a physical host).
   * @default - none
   */
  readonly antiAffinityAdditionalTopologyKeys?: string[];
  /**
   * Node labels a Kubernetes node must have to run Redis Enterprise pods.
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the Redis Enterprise pods (the operator's `podTolerations`).
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * PriorityClass of the Redis Enterprise pods.
   * @default - the cluster default priority
   */
  readonly priorityClassName?: string;
  /**
   * Labels added to every object (never to selectors, so they can change
   * without recreating anything).
   * @default - none
   */
  readonly extraLabels?: { [key: string]: string };
  /**
   * Annotations added to every object.
   * @default - none
   */
  readonly extraAnnotations?: { [key: string]: string };
  /**
   * Annotations added to the Redis Enterprise pods only.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Type of the `<rec>-ui` Service.
   * @default ServiceType.CLUSTER_IP
   */
  readonly uiServiceType?: ServiceType;
  /**
   * Type of the `<rec>` REST API Service.
   * @default ServiceType.CLUSTER_IP
   */
  readonly apiServiceType?: ServiceType;
  /**
   * Username of the cluster administrator, written into the credentials
   * Secret when the reconciler creates it.
   * @default 'demo@redis.com' (the operator's default)
   */
  readonly adminUsername?: string;
  /**
   * Secret with the administrator's `username` and `password`. Referenced,
   * never emitted: the reconciler creates it with a random password when it
   * does not exist and never overwrites it, so you may bring your own (or an
   * ExternalSecret) under this name.
   * @default - the cluster name
   */
  readonly credentialsSecretName?: string;
  /**
   * Secret with the Redis Enterprise license under the key `license`.
   * @default - the trial license
   */
  readonly licenseSecretName?: string;
  /**
   * Secrets used to pull the images.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Time a Redis Enterprise node gets to shut down cleanly. The operator's
   * default is one year: a node is never killed while it still holds data.
   * @default 31536000
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Extra pod volumes.
   * @default - none
   */
  readonly extraVolumes?: k8s.Volume[];
  /**
   * Extra mounts of the `redis-enterprise-node` container.
   * @default - none
   */
  readonly extraVolumeMounts?: k8s.VolumeMount[];
  /**
   * Extra containers in each Redis Enterprise pod (log shippers...).
   * @default - none
   */
  readonly sideContainers?: k8s.Container[];
  /**
   * Extra environment variables of the `redis-enterprise-node` container.
   * @default - none
   */
  readonly extraEnv?: k8s.EnvVar[];
  /**
   * Expose the REST API (and databases that ask for it) outside the
   * Kubernetes cluster, through an Ingress controller, Istio or OpenShift
   * Routes, with TLS passthrough on 443. Required for Active-Active.
   * @default - no external access
   */
  readonly externalAccess?: ExternalAccessProps;
  /**
   * A NetworkPolicy `<rec>-nodes` fencing the node pods: ingress only from
   * the cluster's own pods (internode), the database clients, the exposure
   * path and Prometheus; nothing to the sidecar's 8090; optionally egress only
   * to the Kubernetes API, DNS and listed addresses. Opt-in: a default-deny on
   * the database ports would cut off every client not named here.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: NodeNetworkPolicyProps;
  /**
   * Prometheus Operator objects for the `<rec>-prom` metrics Service.
   * @default - none
   */
  readonly monitoring?: MonitoringProps;
  /**
   * Certificates replacing the self-signed ones.
   * @default - self-signed certificates
   */
  readonly certificates?: ClusterCertificatesProps;
  /**
   * LDAP authentication.
   * @default - no LDAP
   */
  readonly ldap?: LdapProps;
  /**
   * Encrypt traffic between nodes for new databases (data internode encryption policy).
   * @default - Redis Enterprise's default (off)
   */
  readonly internodeEncryption?: boolean;
  /**
   * Auto Tiering (Redis Flex): a flash volume on every node.
   * @default - RAM only
   */
  readonly autoTiering?: AutoTieringProps;
}
