/**
 * The cluster settings duty: certificates, LDAP, data internode encryption
 * and Auto Tiering, in-process against the REST API double. Certificates are
 * throw-away ones made with openssl for the test.
 */
import { X509Certificate } from 'node:crypto';
import { DesiredState } from '../../../lib/contract/desired-state';
import { KubeEvent, Secret } from '../../../lib/reconciler/io/kube-types';
import { STATUS_KEY, StatusDocument } from '../../../lib/reconciler/plan/status';
import { TlsMaterial, selfSignedCertificate } from '../../support/redis-enterprise-api-double';
import { database, desiredState, desiredStateConfigMap } from './support/desired';
import { Sim } from './support/sim';

jest.setTimeout(60_000);

const LDAP_PASSWORD = 'ldap-bind-password-for-tests-only';
const FLASH = '/var/opt/redislabs/flash';

function status(sim: Sim): StatusDocument | undefined {
  const cm = sim.kube.get<{ data?: Record<string, string> }>('configmaps', 'rec-status');
  return cm?.data?.[STATUS_KEY] ? JSON.parse(cm.data[STATUS_KEY]) as StatusDocument : undefined;
}

function tlsSecret(name: string, m: TlsMaterial, keys: [string, string] = ['tls.crt', 'tls.key']): Secret {
  return { metadata: { name }, type: keys[0] === 'tls.crt' ? 'kubernetes.io/tls' : 'Opaque', stringData: { [keys[0]]: m.certPem, [keys[1]]: m.keyPem } };
}

function withSettings(state: DesiredState): DesiredState {
  return {
    ...state,
    cluster: {
      ...state.cluster,
      certificates: { api: 'api-tls', proxy: 'proxy-tls' },
      ldap: {
        protocol: 'LDAPS',
        servers: [{ host: 'ldap.example.org', port: 636 }],
        bindCredentialsSecretName: 'ldap-bind',
        caCertificateSecretName: 'ldap-ca',
        authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=org',
        authorizationAttribute: 'memberOf',
        enabledForControlPlane: true,
        enabledForDataPlane: false,
      },
      dataInternodeEncryption: true,
      flashPath: FLASH,
    },
  };
}

function fp(m: TlsMaterial): string {
  return new X509Certificate(m.certPem).fingerprint256;
}

describe('cluster settings duty', () => {
  let sim: Sim;
  let certs: TlsMaterial[];
  const logs: string[] = [];
  const settled = () => {
    const s = status(sim);
    return s?.clusterState === 'Running' && !s.lastError && s.databases[0]?.status === 'active';
  };
  const pass = async () => {
    const leader = sim.leaderNode()!.reconciler!.controller;
    leader.trigger('test');
    await leader.idle();
  };
  /** Another pass, also while the controller backs off after a failed one (idle() waits for the retry timer then). */
  const anotherPass = async () => {
    const c = sim.leaderNode()!.reconciler!.controller;
    const n = c.state.passes;
    c.trigger('test');
    await sim.until('one more pass', () => c.state.passes > n);
  };
  const certificatePuts = () => sim.registry.requestLog.entries({ method: 'PUT', path: '/v1/cluster/certificates' }).length;
  const events = (reason: string) => sim.kube.all<KubeEvent>('events').filter((e) => e.reason === reason);

  beforeAll(async () => {
    certs = await Promise.all(['api.test', 'proxy.test', 'proxy2.test', 'ldap-ca.test'].map((cn) => selfSignedCertificate(cn, 30)));
    sim = await Sim.create({ state: withSettings(desiredState('rec', 'redis', 3, [database('cache', 12000)])), logSink: (l) => logs.push(l) });
    sim.kube.put('secrets', tlsSecret('api-tls', certs[0], ['cert', 'key']) as never);
    sim.kube.put('secrets', tlsSecret('proxy-tls', certs[1]) as never);
    sim.kube.put('secrets', { metadata: { name: 'ldap-bind' }, stringData: { dn: 'cn=reader,dc=example,dc=org', password: LDAP_PASSWORD } } as never);
    sim.kube.put('secrets', { metadata: { name: 'ldap-ca' }, stringData: { cert: certs[3].certPem } } as never);
    await sim.startAll();
    await sim.until('converged with settings', settled);
  });

  afterAll(async () => { await sim?.stop(); });

  it('installs the certificates, LDAP, the internode encryption policy and Auto Tiering at bootstrap', () => {
    const cluster = sim.nodes[0].double.cluster!;
    expect(cluster.certificates.fingerprint('api')).toBe(fp(certs[0]));
    expect(cluster.certificates.fingerprint('proxy')).toBe(fp(certs[1]));
    expect(cluster.ldap.json()).toMatchObject({
      uris: ['ldaps://ldap.example.org:636'], starttls: false, bind_dn: 'cn=reader,dc=example,dc=org', bind_pass: '***',
      ca_cert: certs[3].certPem, user_dn_template: 'cn=%u,ou=people,dc=example,dc=org', dn_group_attr: 'memberOf',
      control_plane: true, data_plane: false,
    });
    expect(cluster.ldap.bindPasswordIs(LDAP_PASSWORD)).toBe(true);
    expect(cluster.clusterPolicy.dataInternodeEncryption).toBe(true);
    // Set before the database was created: it inherited the policy.
    expect(cluster.bdbs.byName('cache')!.config.data_internode_encryption).toBe(true);
    for (const n of cluster.nodes()) expect([n.bigstoreEnabled, n.bigstorePath]).toEqual([true, FLASH]);

    const s = status(sim)!.clusterSettings!;
    expect(s.certificates).toEqual([
      { name: 'api', secret: 'api-tls', state: 'applied', secretVersion: expect.any(String), fingerprintSha256: fp(certs[0]) },
      { name: 'proxy', secret: 'proxy-tls', state: 'applied', secretVersion: expect.any(String), fingerprintSha256: fp(certs[1]) },
    ]);
    expect(s.ldap).toEqual({ state: 'applied', version: expect.stringMatching(/^\d+\/\d+\/[0-9a-f]{16}$/) });
    expect(s.dataInternodeEncryption).toEqual({ state: 'applied', value: true });
    expect(s.autoTiering).toEqual({ state: 'applied', path: FLASH, nodesEnabled: 3, nodes: 3 });
    expect(events('CertificateInstalled').map((e) => e.message).sort()).toEqual([
      `certificate api installed from Secret api-tls (SHA-256 ${fp(certs[0])})`,
      `certificate proxy installed from Secret proxy-tls (SHA-256 ${fp(certs[1])})`,
    ]);
  });

  it('writes nothing at steady state', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    const counts = () => [cluster.certificates.updates, cluster.ldap.updates, cluster.clusterPolicy.updates];
    const before = counts();
    const mark = sim.registry.requestLog.mark();
    for (let i = 0; i < 3; i++) await pass();
    expect(sim.registry.requestLog.mutations({ since: mark })).toHaveLength(0);
    expect(counts()).toEqual(before);
    expect(before).toEqual([2, 1, 1]);
  });

  it('applies a rotated certificate Secret and a rotated LDAP password, and repairs settings changed by hand', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    sim.kube.put('secrets', tlsSecret('proxy-tls', certs[2]) as never);
    await sim.until('proxy rotated', () => cluster.certificates.fingerprint('proxy') === fp(certs[2]));
    expect(cluster.certificates.fingerprint('api')).toBe(fp(certs[0]));

    sim.kube.put('secrets', { metadata: { name: 'ldap-bind' }, stringData: { dn: 'cn=reader,dc=example,dc=org', password: `${LDAP_PASSWORD}-2` } } as never);
    await sim.until('LDAP password rotated', () => cluster.ldap.bindPasswordIs(`${LDAP_PASSWORD}-2`));

    // Changed behind the reconciler's back (the Secrets did not change): noticed at the next pass.
    cluster.ldap.update({ control_plane: false });
    cluster.clusterPolicy.update({ data_internode_encryption: false });
    const ldapWrites = cluster.ldap.updates;
    await pass();
    expect(cluster.ldap.json().control_plane).toBe(true);
    expect(cluster.ldap.updates).toBe(ldapWrites + 1);
    expect(cluster.clusterPolicy.dataInternodeEncryption).toBe(true);
    expect(events('LdapConfigured').map((e) => e.message)).toContain('LDAP configuration applied (live fields differed: control_plane)');
  });

  it('reports a certificate Redis Enterprise refuses, sends it once, and recovers when the Secret is fixed', async () => {
    const cluster = sim.nodes[0].double.cluster!;
    // The key of another certificate: 400 from PUT /v1/cluster/certificates.
    sim.kube.put('secrets', { metadata: { name: 'proxy-tls' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': certs[1].certPem, 'tls.key': certs[0].keyPem } } as never);
    await sim.until('rejected', () => status(sim)?.clusterSettings?.certificates?.find((c) => c.name === 'proxy')?.state === 'rejected');
    const entry = status(sim)!.clusterSettings!.certificates!.find((c) => c.name === 'proxy')!;
    expect(entry.message).toBe('refused by Redis Enterprise: HTTP 400 invalid_certificate');
    expect(status(sim)!.lastError).toBe('certificate proxy: refused by Redis Enterprise: HTTP 400 invalid_certificate');
    expect(events('ClusterSettingRejected')).toHaveLength(1);
    expect(cluster.certificates.fingerprint('proxy')).toBe(fp(certs[2]));
    const puts = certificatePuts();
    for (let i = 0; i < 3; i++) await anotherPass();
    expect(certificatePuts()).toBe(puts);

    sim.kube.put('secrets', tlsSecret('proxy-tls', certs[1]) as never);
    await sim.until('fixed', () => cluster.certificates.fingerprint('proxy') === fp(certs[1]) && !status(sim)?.lastError);

    // A Secret that does not exist is an error of that certificate only.
    sim.kube.remove('secrets', 'api-tls');
    await sim.until('missing reported', () => status(sim)?.clusterSettings?.certificates?.find((c) => c.name === 'api')?.message === 'Secret api-tls does not exist');
    expect(status(sim)!.clusterSettings!.certificates!.find((c) => c.name === 'proxy')!.state).toBe('applied');
    sim.kube.put('secrets', tlsSecret('api-tls', certs[0], ['cert', 'key']) as never);
    await sim.until('settled again', settled);
  });

  it('never puts a key, a password or a certificate into logs, events or the status', () => {
    const visible = [
      ...logs,
      ...sim.kube.all<KubeEvent>('events').map((e) => e.message),
      ...sim.kube.all<{ data?: Record<string, string> }>('configmaps').map((c) => JSON.stringify(c.data ?? {})),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(10);
    for (const m of certs) {
      expect(visible).not.toContain(m.keyPem.split('\n')[1]);
      expect(visible).not.toContain(m.certPem.split('\n')[1]);
    }
    expect(visible).not.toContain(LDAP_PASSWORD);
  });
});

describe('Auto Tiering declared after the nodes joined', () => {
  let sim: Sim;
  afterAll(async () => { await sim?.stop(); });

  it('is reported incomplete (bigstore_enabled is fixed at bootstrap), without failing the pass', async () => {
    const plain = desiredState('rec', 'redis', 3, [database('cache', 12000)]);
    sim = await Sim.create({ state: plain });
    await sim.startAll();
    await sim.until('converged', () => status(sim)?.databases[0]?.status === 'active' && !status(sim)?.lastError);
    expect(status(sim)!.clusterSettings).toBeUndefined();
    sim.kube.put('configmaps', desiredStateConfigMap({ ...plain, cluster: { ...plain.cluster, flashPath: FLASH } }) as never);
    await sim.until('reported', () => status(sim)?.clusterSettings?.autoTiering !== undefined);
    expect(status(sim)!.clusterSettings!.autoTiering).toEqual({
      state: 'incomplete', path: FLASH, nodesEnabled: 0, nodes: 3,
      message: '3 of 3 nodes joined without Auto Tiering (it can only be enabled when a node joins)',
    });
    expect(status(sim)!.lastError).toBeUndefined();
    expect(sim.kube.all<KubeEvent>('events').some((e) => e.reason === 'AutoTieringIncomplete' && e.type === 'Warning')).toBe(true);
  });
});
