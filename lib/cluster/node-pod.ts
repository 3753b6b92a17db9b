import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec, ResolvedResources } from './cluster-spec';
import { nodeSelectorLabels } from '../contract/labels';
import { FLASH_VOLUME_NAME, NODE_CONTAINER_NAME, RECONCILER_CONTAINER_NAME, STORAGE_VOLUME_NAME } from '../contract/names';
import { DISCOVERY_PORT, METRICS_PORT, RECONCILER_PORT, REST_API_PORT, UI_PORT } from '../contract/ports';
import { SERVICE_ACCOUNT_DIR, SIDECAR_ENV, SIDECAR_PATHS } from '../contract/sidecar';
import { nodePodAntiAffinity, nodePodTopologySpread } from './placement';


/** Where Redis Enterprise keeps its persistent data (the bootstrap `persistent_path`). */
export const PERSISTENT_PATH = '/var/opt/redislabs/persist';
/** Redis Enterprise logs, kept on the persistent volume (subPath `logs`) like the operator does. */
export const LOG_PATH = '/var/opt/redislabs/log';
/** Auto Tiering flash storage (the bootstrap `bigstore_path`). */
export const FLASH_PATH = '/var/opt/redislabs/flash';
const TMP_VOLUME = 'reconciler-tmp';
const KUBE_API_ACCESS_VOLUME = 'reconciler-kube-api-access';
/**
 * Lifetime of the reconciler's ServiceAccount token; the kubelet replaces it
 * at 80% of that. Not 3607, the ServiceAccount admission's default: the API
 * server extends a token requested for exactly 3607 s to a year
 * (--service-account-extend-token-expiration), which is not expiring.
 */
export const SERVICE_ACCOUNT_TOKEN_SECONDS = 3600;

/**
 * What the ServiceAccount admission would mount into every container, built
 * here for the `reconciler` container alone: a projected, expiring token for
 * the API server's own audience, the cluster CA from the `kube-root-ca.crt`
 * ConfigMap every namespace has, and the namespace (downward API).
 */
function kubeApiAccessVolume(): k8s.Volume {
  return {
    name: KUBE_API_ACCESS_VOLUME,
    projected: {
      defaultMode: 0o444,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: SERVICE_ACCOUNT_TOKEN_SECONDS } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/**
 * Every container runs as the image's unprivileged `redislabs` user (uid
 * 1001, as on OpenShift's nonroot-v2), drops all capabilities and never
 * escalates. This is what PodSecurity `restricted` asks for.
 */
const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  runAsNonRoot: true,
};

function resources(r: ResolvedResources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(r.limits.cpu), memory: k8s.Quantity.fromString(r.limits.memory) },
  };
}

function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/**
 * Ready = this pod's node serves as a member of the cluster. The kubelet
 * cannot check that itself:
 * - `GET /v1/bootstrap` needs Basic auth "once the node is part of an active
 *   cluster" (redis.io operate/rs/references/rest-api/requests/bootstrap),
 *   and every other request needs it always (rest-api/_index: 401 without
 *   credentials). An unauthenticated httpGet on 9443 turns a node NotReady
 *   the moment it creates or joins the cluster: OrderedReady never starts the
 *   next pod, Services lose the endpoint, the PodDisruptionBudget blocks
 *   every drain.
 * - The official operator used an exec probe with the admin credentials
 *   (`curl -u ... localhost:8080/v1/bootstrap` plus `rladmin status nodes`,
 *   RedisLabs/redis-enterprise-k8s-docs#99), now a script inside its image;
 *   an exec probe would need the password in the node container's
 *   environment and a shell script we cannot ship in the Redis image.
 * - No documented health endpoint answers without credentials
 *   (`/v1/local/node/master_healthcheck` needs `view_cluster_info`).
 * So the sidecar, which holds the admin credentials, checks its own node
 * (`/node-ready`: authenticated `GET /v1/bootstrap` is `completed` and
 * `GET /v1/nodes/{uid}/status` is `active`, within 4 s) and the kubelet
 * probes the sidecar. A sidecar that does not answer makes the node NotReady
 * too; the pod is NotReady then anyway (the sidecar's own readiness).
 */
function nodeReadinessProbe(): k8s.Probe {
  return {
    httpGet: { path: SIDECAR_PATHS.nodeReady, port: k8s.IntOrString.fromNumber(RECONCILER_PORT), scheme: 'HTTP' },
    periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
  };
}

function nodeContainer(spec: ClusterSpec): k8s.Container {
  return {
    name: NODE_CONTAINER_NAME,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      { name: 'discovery', containerPort: DISCOVERY_PORT, protocol: 'TCP' },
      { name: 'ui', containerPort: UI_PORT, protocol: 'TCP' },
      { name: 'api', containerPort: REST_API_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
    ],
    resources: resources(spec.nodeResources),
    ...(spec.extraEnv.length > 0 ? { env: spec.extraEnv } : {}),
    volumeMounts: [
      { name: STORAGE_VOLUME_NAME, mountPath: PERSISTENT_PATH },
      { name: STORAGE_VOLUME_NAME, mountPath: LOG_PATH, subPath: 'logs' },
      ...(spec.autoTiering ? [{ name: FLASH_VOLUME_NAME, mountPath: FLASH_PATH }] : []),
      ...spec.extraVolumeMounts,
    ],
    // Bootstrap and recovery can take minutes; liveness and readiness only start after it.
    startupProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(REST_API_PORT) }, periodSeconds: 10, failureThreshold: 60 },
    // A restart of a database node is expensive: only a REST API that stays
    // unreachable for two minutes counts as dead. tcpSocket needs no
    // credentials and does not depend on the sidecar.
    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(REST_API_PORT) }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 8 },
    readinessProbe: nodeReadinessProbe(),
    // Clean shutdown: the reconciler puts this node into maintenance mode
    // (its shards move away) before Kubernetes stops the container; on
    // scale-in (ordinal >= nodes) it removes the node from the cluster
    // instead, migrating its shards first. The grace period (one year by
    // default) bounds how long that may take; PRESTOP_TIMEOUT_SECONDS (below)
    // bounds the reconciler's wait, and a removal that outlasts it is
    // finished by the leader once the pod is gone.
    lifecycle: { preStop: { httpGet: { path: SIDECAR_PATHS.prestop, port: k8s.IntOrString.fromNumber(RECONCILER_PORT), scheme: 'HTTP' } } },
    securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false },
  };
}

/** The reconciler's default drain bound (10 minutes), kept 30 s inside a shorter grace period. */
function prestopTimeoutSeconds(grace: number): number {
  return Number.isInteger(grace) && grace >= 0 ? Math.max(0, Math.min(600, grace - 30)) : 600;
}

function reconcilerContainer(spec: ClusterSpec): k8s.Container {
  const rackEnv: k8s.EnvVar[] = [];
  if (spec.rackAwarenessNodeLabel) {
    // Without RACK_ID the reconciler reads the label from its Node (desired state's rackAwarenessNodeLabel).
    if (!spec.rackIdFromNodeApi) {
      rackEnv.push(fieldEnv(SIDECAR_ENV.rackId, `metadata.labels['${spec.rackAwarenessNodeLabel}']`));
    }
  }
  return {
    name: RECONCILER_CONTAINER_NAME,
    image: spec.reconcilerImage,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'reconciler', containerPort: RECONCILER_PORT, protocol: 'TCP' }],
    env: [
      fieldEnv(SIDECAR_ENV.podName, 'metadata.name'),
      fieldEnv(SIDECAR_ENV.namespace, 'metadata.namespace'),
      fieldEnv(SIDECAR_ENV.podIp, 'status.podIP'),
      fieldEnv(SIDECAR_ENV.nodeName, 'spec.nodeName'),
      { name: SIDECAR_ENV.clusterName, value: spec.name },
      { name: SIDECAR_ENV.desiredStateConfigMap, value: spec.names.desiredStateConfigMap },
      // The drain must answer before Kubernetes kills the pod at the end of its grace period.
      { name: SIDECAR_ENV.prestopTimeoutSeconds, value: String(prestopTimeoutSeconds(spec.terminationGracePeriodSeconds)) },
      ...rackEnv,
    ],
    resources: resources(spec.reconcilerResources),
    livenessProbe: { httpGet: { path: SIDECAR_PATHS.healthz, port: k8s.IntOrString.fromNumber(RECONCILER_PORT) }, periodSeconds: 10, failureThreshold: 6 },
    // Ready once this node has joined the Redis Enterprise cluster.
    readinessProbe: { httpGet: { path: SIDECAR_PATHS.readyz, port: k8s.IntOrString.fromNumber(RECONCILER_PORT) }, periodSeconds: 5, failureThreshold: 3 },
    volumeMounts: [{ name: TMP_VOLUME, mountPath: '/tmp' }, { name: KUBE_API_ACCESS_VOLUME, mountPath: SERVICE_ACCOUNT_DIR, readOnly: true }],
    securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
  };
}

/** The pod template of the StatefulSet `<rec>`. */
export function nodePodTemplate(spec: ClusterSpec): k8s.PodTemplateSpec {
  const annotations = { ...spec.extraAnnotations, ...spec.podAnnotations };
  const spread = nodePodTopologySpread(spec);
  return {
    metadata: {
      labels: { ...spec.extraLabels, ...nodeSelectorLabels(spec.name) },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      serviceAccountName: spec.names.cluster,
      // No token for the Redis Enterprise node or any side container: only the
      // reconciler talks to the Kubernetes API, with the volume it mounts itself.
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1001,
        runAsGroup: 1001,
        fsGroup: 1001,
        // Skip the recursive chown of a large data volume on every start.
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: { podAntiAffinity: nodePodAntiAffinity(spec) },
      ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
      ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
      ...(spec.tolerations.length > 0 ? { tolerations: spec.tolerations } : {}),
      ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
      ...(spec.imagePullSecrets.length > 0 ? { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) } : {}),
      containers: [nodeContainer(spec), reconcilerContainer(spec), ...spec.sideContainers],
      volumes: [{ name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }, kubeApiAccessVolume(), ...spec.extraVolumes],
    },
  };
}
