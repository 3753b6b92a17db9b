/**
 * What the synthesized objects grant the reconciler and give the pod's
 * containers: Secrets only by name (the names the desired state refers to),
 * and a ServiceAccount token only in the `reconciler` container.
 */
import { Testing } from 'cdk8s';
import {
  BackupStorage, DESIRED_STATE_KEY, LdapProtocol, parseDesiredState, RedisEnterpriseCluster, RedisEnterpriseDatabase, TlsMode,
} from '../../../lib';
import { referencedSecretNames } from '../../../lib/contract/secret-names';
import { findObject, testChart } from '../../support/synth';

function synthFull(extraDatabase = false): any[] {
  const chart = testChart('redis');
  const cluster = new RedisEnterpriseCluster(chart, 'rec', {
    licenseSecretName: 'license',
    certificates: { apiCertificateSecretName: 'api-cert', proxyCertificateSecretName: 'proxy-cert' },
    ldap: {
      protocol: LdapProtocol.LDAPS, servers: [{ host: 'ldap.example.com' }], bindCredentialsSecretName: 'ldap-bind',
      caCertificateSecretName: 'ldap-ca', authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=com', authorizationAttribute: 'memberOf',
    },
    sideContainers: [{ name: 'log-shipper', image: 'example.com/shipper:1' }],
  });
  new RedisEnterpriseDatabase(chart, 'orders', {
    cluster, memorySize: '100MB', tlsMode: TlsMode.ENABLED, clientCertificateSecretNames: ['orders-client-ca'],
    backup: { storage: BackupStorage.S3, location: 'bucket', credentialsSecretName: 's3-creds' },
  });
  if (extraDatabase) new RedisEnterpriseDatabase(chart, 'later', { cluster, memorySize: '100MB' });
  return Testing.synth(chart);
}

const secretRules = (objects: any[]) => findObject(objects, 'Role', 'rec').rules.filter((r: any) => r.resources.includes('secrets'));
const desiredOf = (objects: any[]) => parseDesiredState(findObject(objects, 'ConfigMap', 'rec-desired-state').data[DESIRED_STATE_KEY]);
const podSpec = (objects: any[]) => findObject(objects, 'StatefulSet', 'rec').spec.template.spec;

describe('Secrets by name', () => {
  test('get, list and watch name exactly the Secrets of the desired state; create stays unnamed', () => {
    const objects = synthFull();
    const names = referencedSecretNames(desiredOf(objects));
    expect(names).toEqual([
      'api-cert', 'ldap-bind', 'ldap-ca', 'license', 'orders-client-ca', 'proxy-cert', 'rec', 'redb-orders', 's3-creds',
    ]);
    expect(secretRules(objects)).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: names },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
  });

  test('a database attached after the cluster is in the Role (computed at synth, like the desired state)', () => {
    const [read] = secretRules(synthFull(true));
    expect(read.resourceNames).toContain('redb-later');
  });

  test('no rule grants update, patch or delete of a Secret', () => {
    const verbs = secretRules(synthFull()).flatMap((r: any) => r.verbs);
    expect(verbs.filter((v: string) => !['get', 'list', 'watch', 'create'].includes(v))).toEqual([]);
  });
});

describe('ServiceAccount token only in the reconciler container', () => {
  const objects = synthFull();
  const spec = podSpec(objects);
  const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

  test('no automatic token, for the pod and for the ServiceAccount', () => {
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'ServiceAccount', 'rec').automountServiceAccountToken).toBe(false);
  });

  test('a projected, expiring token with the cluster CA and the namespace', () => {
    const volume = spec.volumes.find((v: any) => v.projected);
    expect(volume.projected.sources).toEqual([
      { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    // 3607 would be extended to a year by the API server.
    expect(volume.projected.sources[0].serviceAccountToken.expirationSeconds).not.toBe(3607);
  });

  test('mounted read-only at the standard path by the reconciler alone', () => {
    const volume = spec.volumes.find((v: any) => v.projected).name;
    const mounts = (spec.containers as any[]).map((c) => [c.name, (c.volumeMounts ?? []).filter((m: any) => m.name === volume || m.mountPath === SA_DIR)]);
    expect(mounts).toEqual([
      ['redis-enterprise-node', []],
      ['reconciler', [{ name: volume, mountPath: SA_DIR, readOnly: true }]],
      ['log-shipper', []],
    ]);
  });
});
