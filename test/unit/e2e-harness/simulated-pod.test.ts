/**
 * The pure parts of the e2e harness's simulated kubelet: what a pod's
 * reconciler is configured with (from the synthesized pod template, the
 * downward API resolved from a pod), the software version of a node image,
 * and the pod-template marks kwok reads.
 */
import { PROBED_POD_ANNOTATION, TERMINATED_POD_ANNOTATION } from '../../e2e/harness/kwok-stages';
import { runBySimulatedKubelet } from '../../e2e/harness/simulated-kubelet';
import { reconcilerConfigOf, softwareVersionOfImage } from '../../e2e/harness/simulated-pod';
import { synthesize } from '../reconciler/support/desired';

function podOf(template: any): any {
  return {
    metadata: { ...template.metadata, name: 'rec-1', namespace: 'redis', uid: 'u-1', labels: { ...template.metadata.labels, 'topology.kubernetes.io/zone': 'zone-b' } },
    spec: { ...template.spec, nodeName: 'kwok-node-1' },
    status: { phase: 'Running', podIP: '10.0.0.7' },
  };
}

describe('simulated kubelet (e2e harness)', () => {
  test('a node image runs the Redis Enterprise version of its tag, without the operator build', () => {
    expect(softwareVersionOfImage('redislabs/redis:8.0.20-44.23')).toBe('8.0.20-44');
    expect(softwareVersionOfImage('registry.example.com:5000/redislabs/redis:8.2.0-46.13')).toBe('8.2.0-46');
    expect(softwareVersionOfImage('redislabs/redis:7.4.6-102')).toBe('7.4.6-102');
    expect(softwareVersionOfImage('redislabs/redis:8.2.0-46.13@sha256:abc')).toBe('8.2.0-46');
    expect(softwareVersionOfImage('registry.example.com:5000/redis')).toBe('latest');
  });

  test('runBySimulatedKubelet marks only the StatefulSet pod template, for the prober and for termination', () => {
    const { objects } = synthesize({ namespace: 'redis' });
    const before = JSON.stringify(objects.filter((o) => o.kind !== 'StatefulSet'));
    runBySimulatedKubelet(objects);
    const sts = objects.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.template.metadata.annotations).toMatchObject({ [PROBED_POD_ANNOTATION]: 'prober', [TERMINATED_POD_ANNOTATION]: 'simulated-kubelet' });
    expect(JSON.stringify(objects.filter((o) => o.kind !== 'StatefulSet'))).toBe(before);
  });

  test('the reconciler reads its configuration from the pod (downward API resolved), with the double\'s URL and a loopback port', () => {
    const { objects } = synthesize({ namespace: 'redis', cluster: { rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', rackIdFromNodeApi: false } });
    const sts = objects.find((o) => o.kind === 'StatefulSet');
    const config = reconcilerConfigOf(podOf(sts.spec.template), 'https://127.0.0.1:40001', { resyncSeconds: 5 });
    expect(config).toMatchObject({
      podName: 'rec-1', namespace: 'redis', podIp: '10.0.0.7', nodeName: 'kwok-node-1', clusterName: 'rec',
      apiUrl: 'https://127.0.0.1:40001', httpHost: '127.0.0.1', httpPort: 0, desiredStateConfigMap: 'rec-desired-state',
      resyncSeconds: 5, leaseName: 'rec-leader', rackId: 'zone-b',
    });
  });
});
