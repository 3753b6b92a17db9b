import { Testing } from 'cdk8s';
import { RedisEnterpriseCluster, ServiceType } from '../../../lib';
import { container, findObject, synthCluster, testChart } from '../../support/synth';

const sts = (objects: any[], name = 'rec') => findObject(objects, 'StatefulSet', name);
const pod = (objects: any[]) => sts(objects).spec.template.spec;

describe('RedisEnterpriseCluster props', () => {
  test('name renames every derived object and the desired state', () => {
    const objects = synthCluster({ name: 'cache' });
    expect(objects.map((o) => o.metadata.name).sort()).toEqual([
      'cache', 'cache', 'cache', 'cache', 'cache', 'cache', 'cache-desired-state', 'cache-nodes', 'cache-prom', 'cache-ui',
    ]);
    expect(sts(objects, 'cache').spec.template.metadata.labels['redis.io/cluster']).toBe('cache');
  });

  test('name defaults to the construct id', () => {
    const chart = testChart();
    new RedisEnterpriseCluster(chart, 'orders', {});
    expect(Testing.synth(chart).filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name)).toEqual(['orders']);
  });

  test('namespace prop wins over the chart namespace', () => {
    const objects = synthCluster({ namespace: 'other' }, 'chart-ns');
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['other']));
  });

  test('nodes sets replicas, the desired state and the pods the Role may label and (quorum recovery) restart', () => {
    const objects = synthCluster({ nodes: 5 });
    expect(sts(objects).spec.replicas).toBe(5);
    const role = findObject(objects, 'Role', 'rec');
    const named = ['rec-0', 'rec-1', 'rec-2', 'rec-3', 'rec-4'];
    expect(role.rules.filter((r: any) => r.resources.includes('pods') && r.resourceNames)).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['patch'], resourceNames: named },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'], resourceNames: named },
    ]);
    // Pods of other workloads are never deletable: delete is granted by name only.
    expect(role.rules.filter((r: any) => r.resources.includes('pods') && r.verbs.includes('delete') && !r.resourceNames)).toEqual([]);
  });

  test('image and reconcilerImage', () => {
    const objects = synthCluster({ image: 'registry.example.com/redis:8.2.0-46.13', reconcilerImage: 'registry.example.com/rec-reconciler:1.0' });
    expect(container(objects, 'redis-enterprise-node').image).toBe('registry.example.com/redis:8.2.0-46.13');
    expect(container(objects, 'reconciler').image).toBe('registry.example.com/rec-reconciler:1.0');
    // The desired state carries the image and its Redis Software version, the StatefulSet leaves the roll to the reconciler.
    const doc = JSON.parse(findObject(objects, 'ConfigMap', 'rec-desired-state').data['desired-state.json']);
    expect(doc.cluster).toMatchObject({ image: 'registry.example.com/redis:8.2.0-46.13', redisEnterpriseVersion: '8.2.0-46', upgradeNodeTimeoutSeconds: 600 });
    expect(sts(objects).spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('nodeResources: one side copies the other; volume size follows memory', () => {
    const objects = synthCluster({ nodeResources: { limits: { cpu: '4', memory: '8Gi' } } });
    expect(container(objects, 'redis-enterprise-node').resources).toEqual({ requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    expect(sts(objects).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('40Gi');
    const fromRequests = synthCluster({ nodeResources: { requests: { cpu: '3', memory: '6Gi' } } });
    expect(container(fromRequests, 'redis-enterprise-node').resources.limits).toEqual({ cpu: '3', memory: '6Gi' });
  });

  test('reconcilerResources', () => {
    const objects = synthCluster({ reconcilerResources: { requests: { cpu: '100m', memory: '128Mi' } } });
    expect(container(objects, 'reconciler').resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
  });

  test('persistence: storage class and explicit size', () => {
    const objects = synthCluster({ persistence: { storageClassName: 'gp3', volumeSize: '100Gi' } });
    expect(sts(objects).spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'gp3', resources: { requests: { storage: '100Gi' } } });
  });

  test('persistence: a node-local class with a stated reason, an undersized volume with a stated reason', () => {
    const objects = synthCluster({
      persistence: { storageClassName: 'local-path', nodeLocalStorageReason: 'CI only', volumeSize: '5Gi', undersizedVolumeReason: 'tiny test dbs' },
    });
    expect(sts(objects).spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'local-path', resources: { requests: { storage: '5Gi' } } });
  });

  test('rack awareness on a custom label: a ClusterRole allowing only get on nodes', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: 'example.com/rack' });
    const role = findObject(objects, 'ClusterRole', 'redis-enterprise-redis-rec-node-reader');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    const binding = findObject(objects, 'ClusterRoleBinding', 'redis-enterprise-redis-rec-node-reader');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rec', namespace: 'redis' }]);
    expect(container(objects, 'reconciler').env.find((e: any) => e.name === 'RACK_ID')).toBeUndefined();
  });

  test('antiAffinityAdditionalTopologyKeys add required terms', () => {
    const objects = synthCluster({ antiAffinityAdditionalTopologyKeys: ['topology.kubernetes.io/zone', 'example.com/hypervisor'] });
    const terms = pod(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'example.com/hypervisor']);
  });

  test('nodeSelector, tolerations, priorityClassName, imagePullSecrets, terminationGracePeriodSeconds', () => {
    const objects = synthCluster({
      nodeSelector: { pool: 'redis' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'redis', effect: 'NoSchedule' }],
      priorityClassName: 'critical',
      imagePullSecrets: ['regcred'],
      terminationGracePeriodSeconds: 600,
    });
    const p = pod(objects);
    expect(p.nodeSelector).toEqual({ pool: 'redis' });
    expect(p.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'redis', effect: 'NoSchedule' }]);
    expect(p.priorityClassName).toBe('critical');
    expect(p.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(p.terminationGracePeriodSeconds).toBe(600);
    // The drain bound stays inside the grace period.
    expect(container(objects, 'reconciler').env).toContainEqual({ name: 'PRESTOP_TIMEOUT_SECONDS', value: '570' });
  });

  test('extraLabels go on every object and the pods but never into selectors', () => {
    const objects = synthCluster({ extraLabels: { team: 'platform' } });
    for (const o of objects) expect(o.metadata.labels.team).toBe('platform');
    expect(sts(objects).spec.template.metadata.labels.team).toBe('platform');
    expect(sts(objects).spec.selector.matchLabels.team).toBeUndefined();
    expect(findObject(objects, 'Service', 'rec').spec.selector.team).toBeUndefined();
  });

  test('extraAnnotations on every object; podAnnotations on pods only', () => {
    const objects = synthCluster({ extraAnnotations: { owner: 'db-team' }, podAnnotations: { 'example.com/scrape': 'no' } });
    for (const o of objects) expect(o.metadata.annotations.owner).toBe('db-team');
    expect(sts(objects).spec.template.metadata.annotations).toEqual({ 'owner': 'db-team', 'example.com/scrape': 'no' });
    expect(sts(objects).metadata.annotations['example.com/scrape']).toBeUndefined();
  });

  test('uiServiceType and apiServiceType', () => {
    const objects = synthCluster({ uiServiceType: ServiceType.LOAD_BALANCER, apiServiceType: ServiceType.NODE_PORT });
    expect(findObject(objects, 'Service', 'rec-ui').spec.type).toBe('LoadBalancer');
    expect(findObject(objects, 'Service', 'rec').spec.type).toBe('NodePort');
  });

  test('credentials and license Secret names and admin username reach the desired state', () => {
    const objects = synthCluster({ credentialsSecretName: 'rec-admin', licenseSecretName: 'rec-license', adminUsername: 'ops@example.com' });
    const doc = JSON.parse(findObject(objects, 'ConfigMap', 'rec-desired-state').data['desired-state.json']);
    expect(doc.cluster).toMatchObject({ credentialsSecretName: 'rec-admin', licenseSecretName: 'rec-license', adminUsername: 'ops@example.com' });
  });

  test('extra volumes, mounts, side containers and env', () => {
    const objects = synthCluster({
      extraVolumes: [{ name: 'certs', secret: { secretName: 'custom-ca' } }],
      extraVolumeMounts: [{ name: 'certs', mountPath: '/etc/custom-ca', readOnly: true }],
      sideContainers: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.2', volumeMounts: [{ name: 'redis-enterprise-storage', mountPath: '/logs', subPath: 'logs' }] }],
      extraEnv: [{ name: 'ENFORCE_IPV4', value: 'true' }],
    });
    const p = pod(objects);
    expect(p.volumes).toContainEqual({ name: 'certs', secret: { secretName: 'custom-ca' } });
    expect(container(objects, 'redis-enterprise-node').volumeMounts).toContainEqual({ name: 'certs', mountPath: '/etc/custom-ca', readOnly: true });
    expect(p.containers.map((c: any) => c.name)).toEqual(['redis-enterprise-node', 'reconciler', 'log-shipper']);
    expect(container(objects, 'redis-enterprise-node').env).toEqual([{ name: 'ENFORCE_IPV4', value: 'true' }]);
  });

  test('public readonly fields echo the resolved props', () => {
    const chart = testChart('ns1');
    const rec = new RedisEnterpriseCluster(chart, 'rec', { nodes: 5 });
    expect([rec.name, rec.namespace, rec.nodes, rec.credentialsSecretName, rec.fqdn]).toEqual(['rec', 'ns1', 5, 'rec', 'rec.ns1.svc.cluster.local']);
  });
});

test('cluster-scoped objects carry no namespace', () => {
  const objects = synthCluster({ rackAwarenessNodeLabel: 'example.com/rack' });
  for (const o of objects.filter((x) => x.kind.startsWith('ClusterRole'))) expect(o.metadata.namespace).toBeUndefined();
});
