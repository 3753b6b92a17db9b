import { App } from 'cdk8s';
import { productionClusterChart } from '../../../examples/production-cluster';
import { expectSchemaValid } from '../../support/schema';
import { synthCluster } from '../../support/synth';

describe('synthesized cluster objects are valid Kubernetes 1.28 and 1.36 objects (strict)', () => {
  test('default cluster', () => {
    expectSchemaValid(synthCluster());
  });

  test('production example', () => {
    const app = new App();
    expectSchemaValid(productionClusterChart(app, { namespace: 'redis' }).toJson());
  });

  test('every prop set, custom rack label with its ClusterRole', () => {
    expectSchemaValid(synthCluster({
      nodes: 5,
      rackAwarenessNodeLabel: 'example.com/rack',
      antiAffinityAdditionalTopologyKeys: ['topology.kubernetes.io/zone'],
      nodeSelector: { pool: 'redis' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'redis', effect: 'NoSchedule' }],
      priorityClassName: 'critical',
      extraLabels: { team: 'a' },
      extraAnnotations: { owner: 'b' },
      podAnnotations: { 'example.com/x': 'y' },
      imagePullSecrets: ['regcred'],
      licenseSecretName: 'lic',
      extraVolumes: [{ name: 'certs', secret: { secretName: 'ca' } }],
      extraVolumeMounts: [{ name: 'certs', mountPath: '/certs' }],
      sideContainers: [{ name: 'shipper', image: 'busybox' }],
      extraEnv: [{ name: 'A', value: 'b' }],
      persistence: { storageClassName: 'gp3', volumeSize: '64Gi' },
      minimumRacks: 4,
      kubernetesVersion: '1.33',
    }));
  });

  // The oldest supported minor (1.30) lies between the two schemas: a field valid in both is in 1.30 too.
  test.each(['1.30', '1.36'])('zone rack awareness targeting Kubernetes %s (topology spread, node reader or pod label)', (kubernetesVersion) => {
    expectSchemaValid(synthCluster({ nodes: 5, rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', kubernetesVersion }));
  });
});
