import { App, Chart } from 'cdk8s';
import { LdapProps, LdapProtocol, RedisEnterpriseCluster, RedisEnterpriseClusterProps, setWarningSink } from '../../../lib';
import { clusterErrors, ruleCodes, synthCluster, testChart, validationErrors } from '../../support/synth';

const LDAP: LdapProps = {
  protocol: LdapProtocol.LDAPS, servers: [{ host: 'ldap.example.com' }], bindCredentialsSecretName: 'ldap-bind',
  authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=com', authorizationAttribute: 'memberOf',
};

/** Each case: props that break exactly one rule, and that rule's code. */
const cases: Array<[string, RedisEnterpriseClusterProps, string]> = [
  ['even node count', { nodes: 4 }, 'REC001'],
  ['a single node', { nodes: 1 }, 'REC001'],
  ['a fractional node count', { nodes: 3.5 }, 'REC001'],
  ['persistence turned off', { persistence: { enabled: false } }, 'REC002'],
  ['node-local storage class', { persistence: { storageClassName: 'local-path' } }, 'REC003'],
  ['openebs hostpath class', { persistence: { storageClassName: 'openebs-hostpath' } }, 'REC003'],
  ['node-local class with a blank reason', { persistence: { storageClassName: 'hostpath', nodeLocalStorageReason: '  ' } }, 'REC003'],
  ['volume below 5 x memory', { persistence: { volumeSize: '10Gi' } }, 'REC004'],
  ['name not a DNS label', { name: 'Rec_1' }, 'REC005'],
  ['name too long for its derived names', { name: 'a'.repeat(50) }, 'REC005'],
  ['invalid storage class name', { persistence: { storageClassName: 'Fast SSD' } }, 'REC005'],
  ['memory that does not parse', { nodeResources: { limits: { memory: '4 gigs' } } }, 'REC006'],
  ['cpu that does not parse', { nodeResources: { requests: { cpu: 'two' }, limits: { cpu: 'two' } } }, 'REC006'],
  ['volume size that does not parse', { persistence: { volumeSize: 'big' } }, 'REC006'],
  ['decimal volume size', { persistence: { volumeSize: '20.5Gi' } }, 'REC006'],
  ['reconciler memory that does not parse', { reconcilerResources: { limits: { memory: '-1' } } }, 'REC006'],
  ['empty rack awareness label', { rackAwarenessNodeLabel: '' }, 'REC009'],
  ['rack awareness label with spaces', { rackAwarenessNodeLabel: 'my zone' }, 'REC009'],
  ['bad credentials Secret name', { credentialsSecretName: 'Admin Creds' }, 'REC011'],
  ['bad license Secret name', { licenseSecretName: 'license!' }, 'REC011'],
  ['bad image pull Secret name', { imagePullSecrets: ['ok', 'NOT_OK'] }, 'REC011'],
  ['empty admin username', { adminUsername: '' }, 'REC011'],
  ['extraLabels overriding a selector label', { extraLabels: { 'redis.io/cluster': 'other' } }, 'REC012'],
  ['invalid label value', { extraLabels: { team: 'x'.repeat(64) } }, 'REC012'],
  ['invalid annotation key', { podAnnotations: { 'not a key': 'v' } }, 'REC012'],
  ['invalid node selector key', { nodeSelector: { '/bad': 'v' } }, 'REC012'],
  ['duplicate topology key', { antiAffinityAdditionalTopologyKeys: ['kubernetes.io/hostname'] }, 'REC013'],
  ['invalid topology key', { antiAffinityAdditionalTopologyKeys: ['a b'] }, 'REC013'],
  ['negative grace period', { terminationGracePeriodSeconds: -1 }, 'REC014'],
  ['side container named like ours', { sideContainers: [{ name: 'reconciler', image: 'x' }] }, 'REC016'],
  ['extra volume named like ours', { extraVolumes: [{ name: 'redis-enterprise-storage', emptyDir: {} }] }, 'REC016'],
  ['nodes given as a string (JavaScript callers)', { nodes: '3' as unknown as number }, 'REC017'],
  ['labels given as a list', { extraLabels: ['a'] as unknown as { [k: string]: string } }, 'REC017'],
  ['mount of an undeclared volume', { extraVolumeMounts: [{ name: 'nope', mountPath: '/x' }] }, 'REC016'],
  ['invalid certificate Secret name', { certificates: { proxyCertificateSecretName: 'Proxy Cert' } }, 'REC018'],
  ['plain LDAP', { ldap: { ...LDAP, protocol: LdapProtocol.LDAP } }, 'REC019'],
  ['LDAP query template without %u', { ldap: { ...LDAP, authenticationQueryTemplate: 'cn=admin,dc=example,dc=com' } }, 'REC019'],
  ['LDAP without servers', { ldap: { ...LDAP, servers: [] } }, 'REC019'],
  ['invalid Auto Tiering StorageClass', { autoTiering: { storageClassName: 'Fast NVMe' } }, 'REC020'],
  ['fractional flash size', { autoTiering: { storageClassName: 'nvme', flashDiskSize: '0.5' } }, 'REC020'],
];

describe('RedisEnterpriseCluster validation', () => {
  test.each(cases)('%s is %s', (_, props, code) => {
    const errors = clusterErrors(props);
    expect(ruleCodes(errors)).toEqual([code]);
    // Every finding names the construct path, the field and a fix.
    for (const e of errors) expect(e).toMatch(/^\[.*rec\] REC\d{3} error in .*rec \(.+\): .+\. Fix: .+/);
  });

  test('all problems are reported at once', () => {
    const errors = clusterErrors({ nodes: 2, persistence: { enabled: false, storageClassName: 'local-path', volumeSize: '1Gi' }, name: 'X' });
    expect(ruleCodes(errors)).toEqual(['REC001', 'REC002', 'REC003', 'REC004', 'REC005']);
  });

  test('messages state the numbers involved and the fix', () => {
    const [volume] = clusterErrors({ persistence: { volumeSize: '10Gi' } });
    expect(volume).toContain('volume size 10Gi is below 5 × node memory (20Gi)');
    expect(volume).toContain('set persistence.volumeSize to at least 20Gi');
    const [name] = clusterErrors({ name: 'a'.repeat(50) });
    expect(name).toContain('shorten the name to at most 49 characters');
  });

  test('a missing namespace is REC010', () => {
    const errors = validationErrors((app) => new RedisEnterpriseCluster(new Chart(app, 'no-namespace'), 'rec', {}));
    expect(ruleCodes(errors)).toEqual(['REC010']);
  });

  test('two clusters in one namespace are REC008, in two namespaces fine', () => {
    const errors = validationErrors((app) => {
      new RedisEnterpriseCluster(testChart('shared', app), 'a', {});
      new RedisEnterpriseCluster(new Chart(app, 'other-chart', { namespace: 'shared' }), 'b', {});
    });
    expect(ruleCodes(errors)).toEqual(['REC008']);
    expect(errors).toHaveLength(2);
    const app = new App();
    new RedisEnterpriseCluster(testChart('one', app), 'a', {});
    new RedisEnterpriseCluster(testChart('two', app), 'b', {});
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('requests different from limits is a warning (REC007), synthesis goes on', () => {
    const lines: string[] = [];
    const previous = setWarningSink((l) => lines.push(l));
    try {
      const objects = synthCluster({ nodeResources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } });
      expect(objects.length).toBeGreaterThan(0);
    } finally {
      setWarningSink(previous);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^REC007 warning in .*rec \(nodeResources\.requests\.cpu\): requests \(1\) differ from limits \(2\)/);
  });

  test('a cluster outside a Chart gets a clear error (REPROP003), with or without a namespace, not a TypeError', () => {
    expect(ruleCodes(validationErrors((app) => new RedisEnterpriseCluster(app, 'rec', {})))).toEqual(['REPROP003']);
    expect(ruleCodes(validationErrors((app) => new RedisEnterpriseCluster(app, 'rec', { namespace: 'redis' })))).toEqual(['REPROP003']);
  });

  test('an invalid declaration writes no YAML', () => {
    const fs = require('fs');
    const os = require('os');
    const path = require('path');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-invalid-'));
    const app = new App({ outdir });
    new RedisEnterpriseCluster(testChart('redis', app), 'rec', { nodes: 2 });
    expect(() => app.synth()).toThrow(/REC001/);
    expect(fs.readdirSync(outdir).filter((f: string) => f.endsWith('.yaml'))).toEqual([]);
  });
});

describe('REC008 across Kubernetes clusters', () => {
  test('the same namespace in two Kubernetes clusters of one app is fine when kubernetesClusterName differs', () => {
    const app = new App();
    new RedisEnterpriseCluster(new Chart(app, 'east', { namespace: 'redis' }), 'rec', { kubernetesClusterName: 'east' });
    new RedisEnterpriseCluster(new Chart(app, 'west', { namespace: 'redis' }), 'rec', { kubernetesClusterName: 'west' });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('without it, the fix mentions kubernetesClusterName', () => {
    const errors = validationErrors((app) => {
      new RedisEnterpriseCluster(new Chart(app, 'east', { namespace: 'redis' }), 'rec', {});
      new RedisEnterpriseCluster(new Chart(app, 'west', { namespace: 'redis' }), 'rec', {});
    });
    expect(errors[0]).toContain('set a different kubernetesClusterName on each');
  });
});
