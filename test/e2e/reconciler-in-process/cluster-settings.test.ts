/**
 * The cluster settings duty: certificates, LDAP, data internode encryption
 * and Auto Tiering, in-process on the real API server with REST API doubles.
 * The settings come from synthesized cluster props; the certificates are
 * throw-away ones made with openssl for the test.
 */
import { X509Certificate } from 'node:crypto';
import { LdapProtocol, RedisEnterpriseClusterProps } from '../../../lib/cluster';
import { TlsMaterial, selfSignedCertificate } from '../../support/redis-enterprise-api-double';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { InProcessFleet } from './support/fleet';

const LDAP_PASSWORD = 'ldap-bind-password-for-tests-only';
const DATABASES = [{ name: 'cache', port: 12000 }];

const SETTINGS: Omit<RedisEnterpriseClusterProps, 'name' | 'nodes'> = {
  certificates: { apiCertificateSecretName: 'api-tls', proxyCertificateSecretName: 'proxy-tls' },
  ldap: {
    protocol: LdapProtocol.LDAPS,
    servers: [{ host: 'ldap.example.org', port: 636 }],
    bindCredentialsSecretName: 'ldap-bind',
    caCertificateSecretName: 'ldap-ca',
    authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=org',
    authorizationAttribute: 'memberOf',
    enabledForControlPlane: true,
    enabledForDataPlane: false,
  },
  internodeEncryption: true,
  autoTiering: { storageClassName: 'e2e-network' },
};

function fp(m: TlsMaterial): string {
  return new X509Certificate(m.certPem).fingerprint256;
}

function tlsSecret(name: string, m: TlsMaterial, keys: [string, string] = ['tls.crt', 'tls.key']) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: keys[0] === 'tls.crt' ? 'kubernetes.io/tls' : 'Opaque', stringData: { [keys[0]]: m.certPem, [keys[1]]: m.keyPem } };
}

describeE2E('cluster settings duty (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  let certs: TlsMaterial[];
  let flash: string;
  const logs: string[] = [];
  const status = () => fleet.status();
  const settled = async () => {
    const s = await status();
    return s?.clusterState === 'Running' && !s.lastError && s.databases[0]?.status === 'active';
  };
  const pass = async () => {
    const leader = fleet.leaderNode()!.reconciler!.controller;
    leader.trigger('test');
    await leader.idle();
  };
  /** Another pass, also while the controller backs off after a failed one (idle() waits for the retry timer then). */
  const anotherPass = async () => {
    const c = fleet.leaderNode()!.reconciler!.controller;
    const n = c.state.passes;
    c.trigger('test');
    await fleet.until('one more pass', async () => c.state.passes > n);
  };
  const certificatePuts = () => fleet.registry.requestLog.entries({ method: 'PUT', path: '/v1/cluster/certificates' }).length;
  const certificateState = async (name: string) => (await status())?.clusterSettings?.certificates?.find((c: any) => c.name === name);

  beforeAll(async () => {
    certs = await Promise.all(['api.test', 'proxy.test', 'proxy2.test', 'ldap-ca.test'].map((cn) => selfSignedCertificate(cn, 30)));
    fleet = await InProcessFleet.create(client, info, 'rip-settings', {
      fixture: (namespace) => synthesize({ namespace, databases: DATABASES, cluster: SETTINGS }),
      logSink: (l) => logs.push(l),
      before: () => [
        tlsSecret('api-tls', certs[0], ['cert', 'key']),
        tlsSecret('proxy-tls', certs[1]),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ldap-bind' }, stringData: { dn: 'cn=reader,dc=example,dc=org', password: LDAP_PASSWORD } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ldap-ca' }, stringData: { cert: certs[3].certPem } },
      ],
    });
    flash = fleet.state.cluster.flashPath!;
    expect(flash).toBeTruthy();
    await fleet.startAll();
    await fleet.until('converged with settings', settled);
  });

  afterAll(async () => {
    // On a failure, what the reconcilers said last.
    process.stderr.write(`${logs.filter((l) => /"(warn|error)"/.test(l)).slice(-8).join('\n')}\n`);
    await fleet?.stop();
  });

  it('installs the certificates, LDAP, the internode encryption policy and Auto Tiering at bootstrap', async () => {
    const cluster = fleet.registry.clusters()[0];
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
    for (const n of cluster.nodes()) expect([n.bigstoreEnabled, n.bigstorePath]).toEqual([true, flash]);

    const s = (await status()).clusterSettings;
    expect(s.certificates).toEqual([
      { name: 'api', secret: 'api-tls', state: 'applied', secretVersion: expect.any(String), fingerprintSha256: fp(certs[0]) },
      { name: 'proxy', secret: 'proxy-tls', state: 'applied', secretVersion: expect.any(String), fingerprintSha256: fp(certs[1]) },
    ]);
    expect(s.ldap).toEqual({ state: 'applied', version: expect.stringMatching(/^\d+\/\d+\/[0-9a-f]{16}$/) });
    expect(s.dataInternodeEncryption).toEqual({ state: 'applied', value: true });
    expect(s.autoTiering).toEqual({ state: 'applied', path: flash, nodesEnabled: 3, nodes: 3 });
    expect((await fleet.events('CertificateInstalled')).map((e) => e.message).sort()).toEqual([
      `certificate api installed from Secret api-tls (SHA-256 ${fp(certs[0])})`,
      `certificate proxy installed from Secret proxy-tls (SHA-256 ${fp(certs[1])})`,
    ]);
  });

  it('writes nothing at steady state', async () => {
    const cluster = fleet.registry.clusters()[0];
    const counts = () => [cluster.certificates.updates, cluster.ldap.updates, cluster.clusterPolicy.updates];
    const before = counts();
    const mark = fleet.registry.requestLog.mark();
    for (let i = 0; i < 3; i++) await pass();
    expect(fleet.registry.requestLog.mutations({ since: mark })).toHaveLength(0);
    expect(counts()).toEqual(before);
    expect(before).toEqual([2, 1, 1]);
  });

  it('applies a rotated certificate Secret and a rotated LDAP password, and repairs settings changed by hand', async () => {
    const cluster = fleet.registry.clusters()[0];
    await fleet.putSecret('proxy-tls', { 'tls.crt': certs[2].certPem, 'tls.key': certs[2].keyPem }, 'kubernetes.io/tls');
    await fleet.until('proxy rotated', async () => cluster.certificates.fingerprint('proxy') === fp(certs[2]));
    expect(cluster.certificates.fingerprint('api')).toBe(fp(certs[0]));

    await fleet.putSecret('ldap-bind', { dn: 'cn=reader,dc=example,dc=org', password: `${LDAP_PASSWORD}-2` });
    await fleet.until('LDAP password rotated', async () => cluster.ldap.bindPasswordIs(`${LDAP_PASSWORD}-2`));

    // Changed behind the reconciler's back (the Secrets did not change): noticed at the next pass.
    cluster.ldap.update({ control_plane: false });
    cluster.clusterPolicy.update({ data_internode_encryption: false });
    const ldapWrites = cluster.ldap.updates;
    await pass();
    expect(cluster.ldap.json().control_plane).toBe(true);
    expect(cluster.ldap.updates).toBe(ldapWrites + 1);
    expect(cluster.clusterPolicy.dataInternodeEncryption).toBe(true);
    expect((await fleet.events('LdapConfigured')).map((e) => e.message)).toContain('LDAP configuration applied (live fields differed: control_plane)');
  });

  it('reports a certificate Redis Enterprise refuses, sends it once, and recovers when the Secret is fixed', async () => {
    const cluster = fleet.registry.clusters()[0];
    // The key of another certificate: 400 from PUT /v1/cluster/certificates.
    await fleet.putSecret('proxy-tls', { 'tls.crt': certs[1].certPem, 'tls.key': certs[0].keyPem }, 'kubernetes.io/tls');
    await fleet.until('rejected', async () => (await certificateState('proxy'))?.state === 'rejected');
    expect((await certificateState('proxy')).message).toBe('refused by Redis Enterprise: HTTP 400 invalid_certificate');
    expect((await status()).lastError).toBe('certificate proxy: refused by Redis Enterprise: HTTP 400 invalid_certificate');
    expect(await fleet.events('ClusterSettingRejected')).toHaveLength(1);
    expect(cluster.certificates.fingerprint('proxy')).toBe(fp(certs[2]));
    const puts = certificatePuts();
    for (let i = 0; i < 3; i++) await anotherPass();
    expect(certificatePuts()).toBe(puts);

    await fleet.putSecret('proxy-tls', { 'tls.crt': certs[1].certPem, 'tls.key': certs[1].keyPem }, 'kubernetes.io/tls');
    await fleet.until('fixed', async () => cluster.certificates.fingerprint('proxy') === fp(certs[1]) && !(await status())?.lastError);

    // A Secret that does not exist is an error of that certificate only.
    await client.delete(fleet.ref('v1', 'Secret', 'api-tls'));
    await fleet.until('missing reported', async () => (await certificateState('api'))?.message === 'Secret api-tls does not exist');
    expect((await certificateState('proxy')).state).toBe('applied');
    await fleet.putSecret('api-tls', { cert: certs[0].certPem, key: certs[0].keyPem });
    await fleet.until('settled again', settled);
  });

  it('never puts a key, a password or a certificate into logs, events or the status', async () => {
    const visible = [
      ...logs,
      ...(await fleet.events()).map((e) => e.message),
      ...(await client.list('v1', 'ConfigMap', fleet.ns)).map((c) => JSON.stringify(c.data ?? {})),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(10);
    for (const m of certs) {
      expect(visible).not.toContain(m.keyPem.split('\n')[1]);
      expect(visible).not.toContain(m.certPem.split('\n')[1]);
    }
    expect(visible).not.toContain(LDAP_PASSWORD);
  });
});

describeE2E('Auto Tiering declared after the nodes joined (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterAll(async () => { await fleet?.stop(); });

  it('is reported incomplete (bigstore_enabled is fixed at bootstrap), without failing the pass', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-tiering', { fixture: (namespace) => synthesize({ namespace, databases: DATABASES }) });
    await fleet.startAll();
    await fleet.until('all three nodes joined and converged', async () => {
      const s = await fleet.status();
      return fleet.registry.clusters()[0]?.nodes().length === 3 && s?.databases[0]?.status === 'active' && !s.lastError;
    });
    expect((await fleet.status()).clusterSettings).toBeUndefined();
    await fleet.applyDesired(synthesize({ namespace: fleet.ns, databases: DATABASES, cluster: { autoTiering: { storageClassName: 'e2e-network' } } }));
    const flash = fleet.state.cluster.flashPath!;
    await fleet.until('reported', async () => (await fleet.status())?.clusterSettings?.autoTiering !== undefined);
    expect((await fleet.status()).clusterSettings.autoTiering).toEqual({
      state: 'incomplete', path: flash, nodesEnabled: 0, nodes: 3,
      message: '3 of 3 nodes joined without Auto Tiering (it can only be enabled when a node joins)',
    });
    expect((await fleet.status()).lastError).toBeUndefined();
    expect((await fleet.events('AutoTieringIncomplete')).some((e) => e.type === 'Warning')).toBe(true);
  });
});
