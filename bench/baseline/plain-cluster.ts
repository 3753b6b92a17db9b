/**
 * The baseline of the synth benchmark: one Redis Enterprise cluster written
 * by hand with plain `k8s.Kube*` constructs from cdk8s-plus-28.
 *
 * What "equivalent" means here:
 * - the same objects as `new RedisEnterpriseCluster(chart, 'rec', SYNTH_BENCH_PROPS)`
 *   (bench/cluster-sides.ts) in the same namespace: same kinds, names, count
 *   (12 per cluster), fields and values, transcribed from that construct's
 *   YAML, so the output is the same (bench/synth-clusters.ts checks this on
 *   every run and says so when the construct has moved on). One known gap:
 *   the claim template's apiVersion/kind, which k8s.KubeStatefulSet cannot
 *   emit (its toJson re-serializes through the typed props, dropping them even
 *   after a JSON patch; the construct uses a plain ApiObject for this);
 * - one Chart per namespace in one App, synthesized with `app.synthYaml()`,
 *   exactly as on our side;
 * - none of our work: no props resolution or defaults, no validation rules,
 *   no derived names, no desired-state model (its JSON is a literal here).
 * The ratio therefore prices what the library adds on top of writing the
 * same YAML with cdk8s by hand.
 */
import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

const n = (x: number) => k8s.IntOrString.fromNumber(x);
const q = (x: string) => k8s.Quantity.fromString(x);

const LABELS = { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec' };
const POD_LABELS = { ...LABELS, 'redis.io/role': 'node' };

const RULE_REASONS = [
  'read and watch the desired-state ConfigMap (list+watch with a name field selector); read the status ConfigMap',
  'create the status ConfigMap on first start',
  'rewrite only the status ConfigMap afterwards',
  'read only the Secrets the desired state names (admin, license, database, certificate, LDAP, backup and remote-cluster credentials); ' +
    'follow each with its own list+watch and a metadata.name field selector',
  'create missing admin and database password Secrets (create cannot be limited by name); no update/patch/delete, so an existing Secret is never overwritten',
  'find the node pods (IPs, readiness, labels) and follow their changes',
  'set or remove redis.io/role-master on this cluster\'s pods only; each sidecar reports on its own pod its node during a quorum loss ' +
    '(label cdk8s-redis-enterprise.io/node-state) and the admin Secret version it authenticates with during a password rotation (annotation)',
  'quorum recovery: restart (delete, the StatefulSet recreates it with the same claim) a pod of this cluster whose node still holds the cluster ' +
    'that lost its quorum, as the official operator\'s RecoveryReset does; ' +
    'rolling upgrade (updateStrategy OnDelete): delete the next pod on the old image, one at a time once the previous node rejoined, ' +
    'so the StatefulSet recreates it on the new image',
  'volume expansion: read the node pods\' claims and raise their storage request to the declared size (the API server refuses it unless the StorageClass allows expansion)',
  'volume expansion: read this cluster\'s StatefulSet and, once every claim is expanded, delete it with propagationPolicy Orphan (pods and claims stay) so that the next apply creates it with the new claim templates; never create',
  'keep each database Service\'s EndpointSlice pointing at the pod that serves the database',
  'leader election among the node sidecars: create the Lease once',
  'leader election: read, renew, take over and hand back only this cluster\'s Lease',
  'report failures and notable changes as Events',
];

function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function port(name: string, p: number): k8s.ServicePort {
  return { name, port: p, protocol: 'TCP', targetPort: n(p) };
}

const DROP_ALL = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, runAsNonRoot: true };

/** The projected token volume of the reconciler container (the pod itself mounts no token). */
const KUBE_API_ACCESS: k8s.Volume = {
  name: 'reconciler-kube-api-access',
  projected: {
    defaultMode: 0o444,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3600, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

/**
 * One cluster `rec` in `namespace`. `secretNames`: the Secrets its desired
 * state names (the Role may read only those), in name order.
 */
export function addPlainCluster(chart: Chart, namespace: string, secretNames: readonly string[] = ['rec']): void {
  const metadata = (name: string, extra: Record<string, string> = {}) => ({ name, namespace, labels: { ...LABELS, ...extra } });

  new k8s.KubeServiceAccount(chart, 'ServiceAccount', { metadata: metadata('rec'), automountServiceAccountToken: false });
  new k8s.KubeRole(chart, 'Role', {
    metadata: { ...metadata('rec'), annotations: { 'cdk8s-redis-enterprise.io/rule-reasons': RULE_REASONS.map((r, i) => `${i}: ${r}`).join('\n') } },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['rec-status'], verbs: ['update'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [...secretNames], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['rec-0', 'rec-1', 'rec-2'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['rec-0', 'rec-1', 'rec-2'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: [0, 1, 2].map((i) => `redis-enterprise-storage-rec-${i}`), verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['rec'], verbs: ['get', 'delete'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch', 'create', 'update', 'delete'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['rec-leader'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ],
  });
  new k8s.KubeRoleBinding(chart, 'RoleBinding', {
    metadata: metadata('rec'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rec' },
    subjects: [{ kind: 'ServiceAccount', name: 'rec', namespace }],
  });
  // Below Kubernetes 1.35 (no kubernetesVersion given) the sidecar reads its Node's zone label itself.
  const nodeReader = `redis-enterprise-${namespace}-rec-node-reader`;
  // Cluster-scoped: the Chart's namespace, which cdk8s adds to every object, is taken off again.
  new k8s.KubeClusterRole(chart, 'NodeReader', {
    metadata: { name: nodeReader, labels: { ...LABELS } },
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
  }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  new k8s.KubeClusterRoleBinding(chart, 'NodeReaderBinding', {
    metadata: { name: nodeReader, labels: { ...LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: nodeReader },
    subjects: [{ kind: 'ServiceAccount', name: 'rec', namespace }],
  }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));

  new k8s.KubeStatefulSet(chart, 'StatefulSet', {
    metadata: metadata('rec'),
    spec: {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      podManagementPolicy: 'OrderedReady',
      replicas: 3,
      selector: { matchLabels: POD_LABELS },
      serviceName: 'rec-nodes',
      template: {
        metadata: { labels: POD_LABELS },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: POD_LABELS }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'redis-enterprise-node',
              image: 'redislabs/redis:8.0.20-44.23',
              imagePullPolicy: 'IfNotPresent',
              lifecycle: { preStop: { httpGet: { path: '/prestop', port: n(8090), scheme: 'HTTP' } } },
              livenessProbe: { failureThreshold: 8, periodSeconds: 15, tcpSocket: { port: n(9443) }, timeoutSeconds: 5 },
              ports: [
                { containerPort: 8001, name: 'discovery', protocol: 'TCP' },
                { containerPort: 8443, name: 'ui', protocol: 'TCP' },
                { containerPort: 9443, name: 'api', protocol: 'TCP' },
                { containerPort: 8070, name: 'metrics', protocol: 'TCP' },
              ],
              readinessProbe: {
                failureThreshold: 3, httpGet: { path: '/node-ready', port: n(8090), scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 5,
              },
              resources: { limits: { cpu: q('2'), memory: q('4Gi') }, requests: { cpu: q('2'), memory: q('4Gi') } },
              securityContext: { ...DROP_ALL, readOnlyRootFilesystem: false },
              startupProbe: { failureThreshold: 60, periodSeconds: 10, tcpSocket: { port: n(9443) } },
              volumeMounts: [
                { mountPath: '/var/opt/redislabs/persist', name: 'redis-enterprise-storage' },
                { mountPath: '/var/opt/redislabs/log', name: 'redis-enterprise-storage', subPath: 'logs' },
              ],
            },
            {
              name: 'reconciler',
              env: [
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                fieldEnv('POD_IP', 'status.podIP'),
                fieldEnv('NODE_NAME', 'spec.nodeName'),
                { name: 'CLUSTER_NAME', value: 'rec' },
                { name: 'DESIRED_STATE_CONFIGMAP', value: 'rec-desired-state' },
                { name: 'PRESTOP_TIMEOUT_SECONDS', value: '600' },
              ],
              image: 'ghcr.io/cdk8s-redis-enterprise/reconciler:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              livenessProbe: { failureThreshold: 6, httpGet: { path: '/healthz', port: n(8090) }, periodSeconds: 10 },
              ports: [{ containerPort: 8090, name: 'reconciler', protocol: 'TCP' }],
              readinessProbe: { failureThreshold: 3, httpGet: { path: '/readyz', port: n(8090) }, periodSeconds: 5 },
              resources: { limits: { cpu: q('250m'), memory: q('256Mi') }, requests: { cpu: q('250m'), memory: q('256Mi') } },
              securityContext: { ...DROP_ALL, readOnlyRootFilesystem: true },
              volumeMounts: [
                { mountPath: '/tmp', name: 'reconciler-tmp' },
                { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'reconciler-kube-api-access', readOnly: true },
              ],
            },
          ],
          securityContext: {
            fsGroup: 1001, fsGroupChangePolicy: 'OnRootMismatch', runAsGroup: 1001, runAsNonRoot: true, runAsUser: 1001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          serviceAccountName: 'rec',
          terminationGracePeriodSeconds: 31536000,
          topologySpreadConstraints: [{
            labelSelector: { matchLabels: POD_LABELS }, maxSkew: 1, minDomains: 3, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor',
            topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
          }],
          volumes: [{ name: 'reconciler-tmp', emptyDir: { sizeLimit: q('64Mi') } }, KUBE_API_ACCESS],
        },
      },
      // The reconciler replaces the pods itself during an upgrade, one node at a time.
      updateStrategy: { type: 'OnDelete' },
      volumeClaimTemplates: [{
        metadata: { labels: POD_LABELS, name: 'redis-enterprise-storage' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('20Gi') } }, storageClassName: 'premium-rwo' },
      }],
    },
  });

  new k8s.KubeService(chart, 'ApiService', {
    metadata: metadata('rec'),
    spec: { ports: [port('api', 9443), port('discovery', 8001)], selector: POD_LABELS, type: 'ClusterIP' },
  });
  new k8s.KubeService(chart, 'UiService', {
    metadata: metadata('rec-ui'),
    spec: { ports: [port('ui', 8443)], selector: POD_LABELS, type: 'ClusterIP' },
  });
  new k8s.KubeService(chart, 'PromService', {
    metadata: metadata('rec-prom', { 'redis.io/service': 'prom-metrics' }),
    spec: { clusterIp: 'None', ports: [port('metrics', 8070)], selector: POD_LABELS },
  });
  new k8s.KubeService(chart, 'NodesService', {
    metadata: metadata('rec-nodes'),
    spec: {
      clusterIp: 'None',
      ports: [port('api', 9443), port('discovery', 8001), port('ui', 8443), port('metrics', 8070)],
      publishNotReadyAddresses: true,
      selector: POD_LABELS,
    },
  });
  new k8s.KubePodDisruptionBudget(chart, 'Pdb', {
    metadata: metadata('rec'),
    spec: { maxUnavailable: n(1), selector: { matchLabels: POD_LABELS } },
  });
  new k8s.KubeConfigMap(chart, 'DesiredState', {
    metadata: metadata('rec-desired-state'),
    data: {
      'desired-state.json': JSON.stringify({
        schemaVersion: 1,
        cluster: {
          name: 'rec', namespace, fqdn: `rec.${namespace}.svc.cluster.local`, nodes: 3, adminUsername: 'demo@redis.com',
          credentialsSecretName: 'rec', rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', nodeMemoryBytes: 4294967296,
          persistentPath: '/var/opt/redislabs/persist', statusConfigMapName: 'rec-status',
          volumeClaims: [{ template: 'redis-enterprise-storage', size: '20Gi' }],
          image: 'redislabs/redis:8.0.20-44.23', redisEnterpriseVersion: '8.0.20-44', upgradeNodeTimeoutSeconds: 600,
        },
        databases: [], remoteClusters: [], activeActiveDatabases: [],
      }, null, 2),
    },
  });
}
