import { RedisEnterpriseClusterProps, setWarningSink } from '../../../lib';
import { KUBERNETES_FEATURES, OLDEST_SUPPORTED_MINOR } from '../../../lib/cluster/kubernetes-version';
import { clusterErrors, container, findObject, ruleCodes, synthCluster } from '../../support/synth';

const ZONE = 'topology.kubernetes.io/zone';
const pod = (objects: any[]) => findObject(objects, 'StatefulSet', 'rec').spec.template.spec;
const antiAffinityKeys = (objects: any[]) =>
  pod(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.map((t: any) => t.topologyKey);
const rackIdEnv = (objects: any[]) => container(objects, 'reconciler').env.find((e: any) => e.name === 'RACK_ID');
const clusterRoles = (objects: any[]) => objects.filter((o) => o.kind.startsWith('ClusterRole')).map((o) => o.kind);

function warnings(props: RedisEnterpriseClusterProps): string[] {
  const lines: string[] = [];
  const previous = setWarningSink((l) => lines.push(l));
  try {
    synthCluster(props);
  } finally {
    setWarningSink(previous);
  }
  return lines;
}

describe('placement', () => {
  test('without rack awareness: one node per host, no spread constraint', () => {
    const objects = synthCluster({});
    expect(antiAffinityKeys(objects)).toEqual(['kubernetes.io/hostname']);
    expect(pod(objects).topologySpreadConstraints).toBeUndefined();
  });

  test('with rack awareness: still one node per host, and an even spread over the racks instead of one rack per node', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE, nodes: 5 });
    expect(antiAffinityKeys(objects)).toEqual(['kubernetes.io/hostname']);
    expect(pod(objects).topologySpreadConstraints).toEqual([{
      topologyKey: ZONE,
      maxSkew: 1,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec', 'redis.io/role': 'node' } },
      minDomains: 3,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    }]);
  });

  test('the spread selects exactly the StatefulSet\'s pods', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE });
    const sts = findObject(objects, 'StatefulSet', 'rec');
    expect(pod(objects).topologySpreadConstraints[0].labelSelector).toEqual(sts.spec.selector);
  });

  test('minimumRacks sets minDomains; 1 leaves it out (the Kubernetes default)', () => {
    expect(pod(synthCluster({ rackAwarenessNodeLabel: ZONE, minimumRacks: 4 })).topologySpreadConstraints[0].minDomains).toBe(4);
    const one = pod(synthCluster({ rackAwarenessNodeLabel: ZONE, minimumRacks: 1, nodes: 3 }));
    expect(one.topologySpreadConstraints[0]).not.toHaveProperty('minDomains');
  });

  test('antiAffinityAdditionalTopologyKeys keep working next to the spread', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE, antiAffinityAdditionalTopologyKeys: ['example.com/hypervisor'] });
    expect(antiAffinityKeys(objects)).toEqual(['kubernetes.io/hostname', 'example.com/hypervisor']);
    expect(pod(objects).topologySpreadConstraints).toHaveLength(1);
  });
});

describe('kubernetesVersion and where the rack id comes from', () => {
  test('defaults to the oldest supported minor: a zone label is read from the Node (ClusterRole), not the pod', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE });
    expect(clusterRoles(objects)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(rackIdEnv(objects)).toBeUndefined();
  });

  test.each(['1.30', '1.33', '1.34'])('on %s the zone label is read from the Node', (kubernetesVersion) => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE, kubernetesVersion });
    expect(clusterRoles(objects)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(rackIdEnv(objects)).toBeUndefined();
  });

  test.each(['1.35', '1.36'])('on %s the zone label comes from the pod (downward API), no cluster-scoped RBAC', (kubernetesVersion) => {
    const objects = synthCluster({ rackAwarenessNodeLabel: ZONE, kubernetesVersion });
    expect(clusterRoles(objects)).toEqual([]);
    expect(rackIdEnv(objects)).toEqual({ name: 'RACK_ID', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${ZONE}']` } } });
  });

  test('an explicit rackIdFromNodeApi wins over the version, both ways', () => {
    const forced = synthCluster({ rackAwarenessNodeLabel: ZONE, kubernetesVersion: '1.36', rackIdFromNodeApi: true });
    expect(clusterRoles(forced)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(rackIdEnv(forced)).toBeUndefined();
    // 1.34 with the PodTopologyLabelsAdmission feature gate turned on.
    const fromPod = synthCluster({ rackAwarenessNodeLabel: ZONE, kubernetesVersion: '1.34', rackIdFromNodeApi: false });
    expect(clusterRoles(fromPod)).toEqual([]);
    expect(rackIdEnv(fromPod)).toEqual({ name: 'RACK_ID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } } });
  });

  test('a custom label is read from the Node on every version', () => {
    const objects = synthCluster({ rackAwarenessNodeLabel: 'example.com/rack', kubernetesVersion: '1.36' });
    expect(clusterRoles(objects)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
  });

  test('every feature the manifests rely on is on by default on the oldest supported minor, except the one that switches', () => {
    const missing = Object.entries(KUBERNETES_FEATURES).filter(([, since]) => since > OLDEST_SUPPORTED_MINOR).map(([f]) => f);
    expect(missing).toEqual(['podTopologyLabels']);
  });
});

describe('topology rules', () => {
  test.each<[string, RedisEnterpriseClusterProps, string]>([
    ['a version with a patch', { kubernetesVersion: '1.30.4' }, 'REC022'],
    ['a version with a v', { kubernetesVersion: 'v1.30' }, 'REC022'],
    ['an unsupported old version', { kubernetesVersion: '1.29' }, 'REC022'],
    ['a version newer than supported', { kubernetesVersion: '1.37' }, 'REC022'],
    ['minimumRacks without rack awareness', { minimumRacks: 3 }, 'REC023'],
    ['a fractional minimumRacks', { rackAwarenessNodeLabel: ZONE, minimumRacks: 2.5 }, 'REC023'],
    ['zero racks', { rackAwarenessNodeLabel: ZONE, minimumRacks: 0 }, 'REC023'],
    ['rack id from the pod for a label Kubernetes never copies', { rackAwarenessNodeLabel: 'example.com/rack', rackIdFromNodeApi: false }, 'REC009'],
  ])('%s is %s', (_, props, code) => {
    const errors = clusterErrors(props);
    expect(ruleCodes(errors)).toEqual([code]);
    for (const e of errors) expect(e).toMatch(/^\[.*rec\] REC\d{3} error in .*rec \(.+\): .+\. Fix: .+/);
  });

  test('the version error names the supported range', () => {
    expect(clusterErrors({ kubernetesVersion: '1.29' })[0]).toContain('outside the supported range 1.30 to 1.36');
  });

  test.each([[3, 2], [5, 2], [7, 2], [3, 1]])('%i nodes over %i rack(s) put a majority in one rack: REC021 warning', (nodes, minimumRacks) => {
    const lines = warnings({ rackAwarenessNodeLabel: ZONE, nodes, minimumRacks });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^REC021 warning in .*rec \\(minimumRacks\\): ${nodes} nodes spread over ${minimumRacks} rack\\(s\\) put ${Math.ceil(nodes / minimumRacks)} in one rack, a majority`));
  });

  test.each([[3, 3], [5, 3], [7, 3], [9, 5]])('%i nodes over %i racks: no warning', (nodes, minimumRacks) => {
    expect(warnings({ rackAwarenessNodeLabel: ZONE, nodes, minimumRacks })).toEqual([]);
  });

  test('rackIdFromNodeApi false on a target without pod topology labels warns (REC024) and takes the pod label', () => {
    const lines = warnings({ rackAwarenessNodeLabel: ZONE, rackIdFromNodeApi: false });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^REC024 warning in .*rec \(rackIdFromNodeApi\): on Kubernetes 1\.30 pods carry/);
  });
});
