import * as fc from 'fast-check';
import { App } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseClusterProps } from '../../../lib';
import { validateObjects, formatSchemaFinding } from '../../support/schema';
import { clusterErrors, expectFindingsOrYaml, ruleCodes, synthCluster, testChart } from '../../support/synth';

// Fixed seed: a failure found once is found again on every run (each property states its numRuns).
fc.configureGlobal({ seed: 20260801 });

const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const memoryGi = fc.integer({ min: 1, max: 64 });

/** Random props that satisfy every rule. */
const validProps: fc.Arbitrary<RedisEnterpriseClusterProps> = fc.record({
  name: dnsLabel,
  nodes: fc.constantFrom(3, 5, 7, 9),
  memory: memoryGi,
  cpu: fc.constantFrom('500m', '1', '2', '4', '16'),
  sizeFactor: fc.integer({ min: 5, max: 20 }),
  storageClassName: fc.option(fc.constantFrom('gp3', 'premium-rwo', 'ceph-rbd', 'managed-csi'), { nil: undefined }),
  rack: fc.option(fc.constantFrom('topology.kubernetes.io/zone', 'example.com/rack'), { nil: undefined }),
  labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.stringMatching(/^[a-z0-9]{0,10}$/), { maxKeys: 3 }),
  grace: fc.option(fc.integer({ min: 0, max: 31536000 }), { nil: undefined }),
}).map((r) => ({
  name: r.name,
  nodes: r.nodes,
  nodeResources: { limits: { cpu: r.cpu, memory: `${r.memory}Gi` } },
  persistence: { storageClassName: r.storageClassName, volumeSize: `${r.memory * r.sizeFactor}Gi` },
  rackAwarenessNodeLabel: r.rack,
  extraLabels: r.labels,
  terminationGracePeriodSeconds: r.grace,
}));

/** Mutations that each break one rule, applied to valid props. */
const breakers: Array<[string, (p: RedisEnterpriseClusterProps) => RedisEnterpriseClusterProps]> = [
  ['REC001', (p) => ({ ...p, nodes: 2 * fc.sample(fc.integer({ min: -3, max: 10 }), 1)[0] })],
  ['REC002', (p) => ({ ...p, persistence: { ...p.persistence, enabled: false } })],
  ['REC003', (p) => ({ ...p, persistence: { ...p.persistence, storageClassName: 'local-path' } })],
  ['REC004', (p) => ({ ...p, persistence: { ...p.persistence, volumeSize: '1Mi' } })],
  ['REC005', (p) => ({ ...p, name: `${p.name}`.toUpperCase() + '_' })],
  ['REC006', (p) => ({ ...p, nodeResources: { limits: { ...p.nodeResources?.limits, cpu: 'lots' } } })],
  ['REC009', (p) => ({ ...p, rackAwarenessNodeLabel: '' })],
  ['REC012', (p) => ({ ...p, extraLabels: { app: 'mine' } })],
  ['REC014', (p) => ({ ...p, terminationGracePeriodSeconds: -5 })],
];

describe('property: random declarations', () => {
  test('valid props always give schema-valid YAML on 1.28 and 1.36', () => {
    fc.assert(fc.property(validProps, (props) => {
      const app = new App();
      const objects = synthCluster(props, 'prop-ns');
      const findings = validateObjects(objects);
      if (findings.length > 0) throw new Error(findings.map(formatSchemaFinding).join('\n'));
      void app;
    }), { numRuns: 40 });
  });

  test('one broken rule gives a validation error with exactly that rule code, never another exception', () => {
    fc.assert(fc.property(validProps, fc.constantFrom(...breakers), (props, [code, breakIt]) => {
      expect(ruleCodes(clusterErrors(breakIt(props), 'prop-ns'))).toEqual([code]);
    }), { numRuns: 60 });
  });

  test('arbitrary junk in props never escapes as a TypeError', () => {
    const junk = fc.anything({ maxDepth: 2 });
    fc.assert(fc.property(fc.record({ nodes: junk, name: junk, persistence: junk, nodeResources: junk, extraLabels: junk }, { requiredKeys: [] }), (raw) => {
      try {
        synthCluster(raw as unknown as RedisEnterpriseClusterProps, 'junk');
      } catch (e) {
        const message = (e as Error).message;
        if (!/^Validation failed with the following errors:/.test(message)) {
          throw new Error(`unexpected ${(e as Error).name}: ${message}`);
        }
      }
    }), { numRuns: 150 });
  });

  test('junk as the whole props, or under any prop name, never escapes as a TypeError', () => {
    const keys = fc.constantFrom('nodes', 'name', 'namespace', 'persistence', 'nodeResources', 'externalAccess', 'monitoring', 'ldap',
      'certificates', 'autoTiering', 'tolerations', 'extraEnv', 'replicas', 'storageClass');
    const props = fc.oneof(fc.anything(), fc.dictionary(keys, fc.anything({ maxDepth: 2 }), { maxKeys: 5 }));
    fc.assert(fc.property(props, fc.boolean(), (raw, inChart) => {
      expectFindingsOrYaml((app) => new RedisEnterpriseCluster(inChart ? testChart('junk', app) : app, 'rec', raw as RedisEnterpriseClusterProps));
    }), { numRuns: 200 });
  });
});

