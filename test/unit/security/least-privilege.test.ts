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
import { NodeNetworkPolicyProps } from '../../../lib/networking';
import { expectSchemaValid } from '../../support/schema';
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
const podSpecLabels = (objects: any[]) => findObject(objects, 'StatefulSet', 'rec').spec.template.metadata.labels;
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

describe('NetworkPolicy of the node pods (opt-in)', () => {
  const policyObjects = (networkPolicy: NodeNetworkPolicyProps) => {
    const chart = testChart('redis');
    const cluster = new RedisEnterpriseCluster(chart, 'rec', { networkPolicy });
    new RedisEnterpriseDatabase(chart, 'orders', { cluster, memorySize: '100MB', port: 12000 });
    return Testing.synth(chart);
  };
  const full = policyObjects({
    exposureNamespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    clientNamespaceLabels: { 'team': 'shop' },
    prometheusNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
    egress: { kubernetesApiCidrs: ['10.0.0.10/32'], allowedCidrs: ['10.20.0.0/16'] },
  });
  const policy = findObject(full, 'NetworkPolicy', 'rec-nodes');
  const portsOf = (rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}${p.endPort ? `-${p.endPort}` : ''}`);

  test('none unless asked for', () => {
    expect(findObject(synthFull(), 'StatefulSet', 'rec')).toBeDefined();
    expect(synthFull().filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('selects the node pods; internode: every port from the cluster\'s own pods but 8090', () => {
    expect(policy.spec.podSelector.matchLabels).toEqual(podSpecLabels(full));
    const [internode] = policy.spec.ingress;
    expect(internode.from).toEqual([{ podSelector: { matchLabels: podSpecLabels(full) } }]);
    expect(portsOf(internode)).toEqual(['TCP/1-8089', 'TCP/8091-65535', 'UDP/1-65535']);
  });

  test('exposure path: REST API and database ports; clients: discovery and database ports; Prometheus: 8070', () => {
    const [, exposure, clients, prometheus] = policy.spec.ingress;
    expect(exposure.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
    expect(portsOf(exposure)).toEqual(['TCP/9443', 'TCP/12000']);
    expect(clients.from).toEqual([{ namespaceSelector: { matchLabels: { team: 'shop' } } }]);
    expect(portsOf(clients)).toEqual(['TCP/8001', 'TCP/12000']);
    expect(portsOf(prometheus)).toEqual(['TCP/8070']);
    expect(policy.spec.ingress).toHaveLength(4);
  });

  test('nothing may reach the sidecar port 8090 (the kubelet on the node needs no rule)', () => {
    const covers = (p: any) => p.protocol === 'TCP' && p.port <= 8090 && (p.endPort ?? p.port) >= 8090;
    expect(policy.spec.ingress.flatMap((r: any) => r.ports).filter(covers)).toEqual([]);
  });

  test('egress: own pods, DNS, the Kubernetes API endpoints, listed addresses', () => {
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: podSpecLabels(full) } }] },
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] },
    ]);
  });

  test('defaults: clients from the own namespace, ingress only', () => {
    const p = findObject(policyObjects({}), 'NetworkPolicy', 'rec-nodes');
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(p.spec.ingress.map((r: any) => r.from)).toEqual([[{ podSelector: { matchLabels: podSpecLabels(full) } }], [{ podSelector: {} }]]);
  });

  test('schema-valid on 1.28 and 1.36 (strict)', () => {
    expectSchemaValid(full);
  });
});
