import { DESIRED_STATE_KEY, parseDesiredState } from '../../../lib';
import { container, findObject, synthCluster } from '../../support/synth';

const objects = synthCluster();
const nodeLabels = { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec', 'redis.io/role': 'node' };

describe('RedisEnterpriseCluster with default props', () => {
  test('emits exactly the expected objects, named like the operator names them', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/rec-desired-state', 'PodDisruptionBudget/rec', 'Role/rec', 'RoleBinding/rec',
      'Service/rec', 'Service/rec-nodes', 'Service/rec-prom', 'Service/rec-ui', 'ServiceAccount/rec', 'StatefulSet/rec',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('redis');
      expect(o.metadata.labels).toMatchObject({ 'app': 'redis-enterprise', 'redis.io/cluster': 'rec' });
    }
  });

  test('no Secret is emitted', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('StatefulSet: 3 replicas, governing Service, labels, retention, claim template with apiVersion/kind', () => {
    const sts = findObject(objects, 'StatefulSet', 'rec');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('rec-nodes');
    expect(sts.spec.selector.matchLabels).toEqual(nodeLabels);
    expect(sts.spec.template.metadata.labels).toEqual(nodeLabels);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'redis-enterprise-storage', labels: nodeLabels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
    }]);
  });

  test('pod: anti-affinity per host, service account, one-year grace period, restricted security context', () => {
    const pod = findObject(objects, 'StatefulSet', 'rec').spec.template.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: nodeLabels }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(pod.serviceAccountName).toBe('rec');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(31536000);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers.map((c: any) => c.name)).toEqual(['redis-enterprise-node', 'reconciler']);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false });
    }
  });

  test('redis-enterprise-node container: image, ports, Guaranteed resources, storage, probes, preStop', () => {
    const node = container(objects, 'redis-enterprise-node');
    expect(node.image).toBe('redislabs/redis:8.0.20-44.23');
    expect(node.ports.map((p: any) => p.containerPort)).toEqual([8001, 8443, 9443, 8070]);
    expect(node.resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(node.volumeMounts).toEqual([
      { name: 'redis-enterprise-storage', mountPath: '/var/opt/redislabs/persist' },
      { name: 'redis-enterprise-storage', mountPath: '/var/opt/redislabs/log', subPath: 'logs' },
    ]);
    expect(node.startupProbe.tcpSocket.port).toBe(9443);
    expect(node.livenessProbe.tcpSocket.port).toBe(9443);
    expect(node.readinessProbe.httpGet).toMatchObject({ path: '/node-ready', port: 8090, scheme: 'HTTP' });
    expect(node.lifecycle.preStop.httpGet).toMatchObject({ path: '/prestop', port: 8090 });
  });

  test('reconciler container: own resources, read-only root, health probes, downward API', () => {
    const r = container(objects, 'reconciler');
    expect(r.image).toBe('ghcr.io/cdk8s-redis-enterprise/reconciler:0.1.0');
    expect(r.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
    expect(r.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(r.readinessProbe.httpGet.path).toBe('/readyz');
    expect(r.livenessProbe.httpGet.path).toBe('/healthz');
    const env = Object.fromEntries(r.env.map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env).toEqual({
      POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', POD_IP: 'status.podIP', NODE_NAME: 'spec.nodeName',
      CLUSTER_NAME: 'rec', DESIRED_STATE_CONFIGMAP: 'rec-desired-state', PRESTOP_TIMEOUT_SECONDS: '600',
    });
  });

  test('Services: API 9443+8001, UI 8443, metrics 8070 labelled for Prometheus, headless nodes Service', () => {
    const ports = (name: string) => findObject(objects, 'Service', name).spec.ports.map((p: any) => `${p.name}:${p.port}`);
    expect(ports('rec')).toEqual(['api:9443', 'discovery:8001']);
    expect(ports('rec-ui')).toEqual(['ui:8443']);
    expect(ports('rec-prom')).toEqual(['metrics:8070']);
    expect(findObject(objects, 'Service', 'rec-prom').metadata.labels['redis.io/service']).toBe('prom-metrics');
    const nodes = findObject(objects, 'Service', 'rec-nodes').spec;
    expect(nodes.clusterIP).toBe('None');
    expect(nodes.publishNotReadyAddresses).toBe(true);
    for (const name of ['rec', 'rec-ui', 'rec-prom', 'rec-nodes']) {
      expect(findObject(objects, 'Service', name).spec.selector).toEqual(nodeLabels);
    }
    expect(findObject(objects, 'Service', 'rec').spec.type).toBe('ClusterIP');
  });

  test('PodDisruptionBudget allows one node at a time', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget', 'rec');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: nodeLabels } });
  });

  test('Role is namespaced, explains every rule, and never allows overwriting Secrets', () => {
    const role = findObject(objects, 'Role', 'rec');
    const reasons = role.metadata.annotations['cdk8s-redis-enterprise.io/rule-reasons'].split('\n');
    expect(reasons).toHaveLength(role.rules.length);
    const secretVerbs = role.rules.filter((r: any) => r.resources.includes('secrets')).flatMap((r: any) => r.verbs);
    expect(secretVerbs.sort()).toEqual(['create', 'get', 'list', 'watch']);
    expect(role.rules.find((r: any) => r.verbs.includes('patch') && r.resources.includes('pods')).resourceNames).toEqual(['rec-0', 'rec-1', 'rec-2']);
    // The rolling upgrade deletes the cluster's own pods, by name, and nothing else.
    expect(role.rules.filter((r: any) => r.verbs.includes('delete') && r.resources.includes('pods'))).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'], resourceNames: ['rec-0', 'rec-1', 'rec-2'] },
    ]);
    // Volume expansion: the node pods' claims and this cluster's StatefulSet, by name; never create.
    expect(role.rules.find((r: any) => r.resources.includes('persistentvolumeclaims'))).toEqual({
      apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'patch'],
      resourceNames: ['redis-enterprise-storage-rec-0', 'redis-enterprise-storage-rec-1', 'redis-enterprise-storage-rec-2'],
    });
    expect(role.rules.find((r: any) => r.resources.includes('statefulsets'))).toEqual({
      apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'delete'], resourceNames: ['rec'],
    });
    const binding = findObject(objects, 'RoleBinding', 'rec');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rec', namespace: 'redis' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rec' });
  });

  test('desired-state document', () => {
    const doc = parseDesiredState(findObject(objects, 'ConfigMap', 'rec-desired-state').data[DESIRED_STATE_KEY]);
    expect(doc).toEqual({
      schemaVersion: 1,
      cluster: {
        name: 'rec', namespace: 'redis', fqdn: 'rec.redis.svc.cluster.local', nodes: 3,
        adminUsername: 'demo@redis.com', credentialsSecretName: 'rec', nodeMemoryBytes: 4 * 2 ** 30,
        persistentPath: '/var/opt/redislabs/persist', statusConfigMapName: 'rec-status',
        volumeClaims: [{ template: 'redis-enterprise-storage', size: '20Gi' }],
        image: 'redislabs/redis:8.0.20-44.23', redisEnterpriseVersion: '8.0.20-44', upgradeNodeTimeoutSeconds: 600,
      },
      databases: [], remoteClusters: [], activeActiveDatabases: [],
    });
  });
});
