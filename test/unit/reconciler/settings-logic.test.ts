/** Pure parts of the cluster settings duty and of the preStop configuration. */
import { X509Certificate } from 'node:crypto';
import { DesiredLdap } from '../../../lib/contract/desired-state';
import { certificateFromSecret, fingerprintOf } from '../../../lib/reconciler/plan/certificate-secrets';
import { ConfigError, ENVIRONMENT_HELP, loadConfig } from '../../../lib/reconciler/runtime/config';
import { Secret } from '../../../lib/reconciler/io/kube-types';
import { LdapSecrets, ldapConfig, ldapDrift, ldapVersion } from '../../../lib/reconciler/plan/ldap-settings';
import { TlsMaterial, selfSignedCertificate } from '../../support/redis-enterprise-api-double';

const ENV = { CLUSTER_NAME: 'rec', POD_NAME: 'rec-1', POD_NAMESPACE: 'ns', POD_IP: '10.0.0.2' };

describe('preStop configuration', () => {
  it('defaults to a 600 s drain bound and a 3 s wait for the hook after SIGTERM', () => {
    expect(loadConfig(ENV)).toMatchObject({ prestopTimeoutMs: 600_000, shutdownPrestopWaitMs: 3000 });
    expect(loadConfig({ ...ENV, PRESTOP_TIMEOUT_SECONDS: '30', SHUTDOWN_PRESTOP_WAIT_SECONDS: '0' }))
      .toMatchObject({ prestopTimeoutMs: 30_000, shutdownPrestopWaitMs: 0 });
  });
  it('refuses a bound of zero or one that is not a number, and documents both variables', () => {
    expect(() => loadConfig({ ...ENV, PRESTOP_TIMEOUT_SECONDS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...ENV, SHUTDOWN_PRESTOP_WAIT_SECONDS: 'soon' })).toThrow(/SHUTDOWN_PRESTOP_WAIT_SECONDS/);
    expect(ENVIRONMENT_HELP.map(([k]) => k)).toEqual(expect.arrayContaining(['PRESTOP_TIMEOUT_SECONDS', 'SHUTDOWN_PRESTOP_WAIT_SECONDS']));
  });
});

describe('certificates from Secrets', () => {
  let m: TlsMaterial;
  beforeAll(async () => { m = await selfSignedCertificate('unit.test', 5); });
  const secret = (data: Record<string, string>): Secret => ({ metadata: { name: 's', resourceVersion: '7' }, stringData: data });

  it('reads tls.crt/tls.key or cert/key and fingerprints the certificate like openssl', () => {
    const expected = new X509Certificate(m.certPem).fingerprint256;
    const variants: Array<Record<string, string>> = [{ 'tls.crt': m.certPem, 'tls.key': m.keyPem }, { cert: m.certPem, key: m.keyPem }];
    for (const data of variants) {
      expect(certificateFromSecret(secret(data), 's')).toEqual({ ok: true, certificate: m.certPem, key: m.keyPem, fingerprint: expected });
    }
    expect(expected).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('names the problem without quoting the Secret', () => {
    expect(certificateFromSecret(undefined, 's')).toEqual({ ok: false, problem: 'Secret s does not exist' });
    expect(certificateFromSecret(secret({ 'tls.crt': m.certPem }), 's')).toEqual({ ok: false, problem: 'Secret s needs keys tls.crt and tls.key (or cert and key)' });
    const junk = certificateFromSecret(secret({ 'tls.crt': 'top-secret-junk', 'tls.key': m.keyPem }), 's');
    expect(junk).toEqual({ ok: false, problem: 'Secret s key tls.crt is not a PEM certificate' });
    expect(fingerprintOf('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----')).toBeUndefined();
  });
});

describe('LDAP object', () => {
  const desired: DesiredLdap = {
    protocol: 'STARTTLS', servers: [{ host: 'a.example', port: 389 }, { host: 'b.example', port: 3389 }],
    bindCredentialsSecretName: 'bind', authenticationQueryTemplate: 'uid=%u,dc=example', authorizationAttribute: 'memberOf',
    enabledForControlPlane: true, enabledForDataPlane: true,
  };
  const secrets: LdapSecrets = { bindDn: 'cn=bind', bindPassword: 'pw-value', bindVersion: '11' };

  it('maps the protocol to documented uris and starttls', () => {
    expect(ldapConfig(desired, secrets)).toEqual({
      uris: ['ldap://a.example:389', 'ldap://b.example:3389'], starttls: true, bind_dn: 'cn=bind', bind_pass: 'pw-value', ca_cert: '',
      user_dn_template: 'uid=%u,dc=example', dn_group_attr: 'memberOf', control_plane: true, data_plane: true,
    });
    expect(ldapConfig({ ...desired, protocol: 'LDAPS' }, secrets)).toMatchObject({ uris: ['ldaps://a.example:389', 'ldaps://b.example:3389'], starttls: false });
  });

  it('versions what was applied by Secret resourceVersions and the declaration, never by values', () => {
    const v = ldapVersion(desired, secrets);
    expect(v).toMatch(/^11\/-\/[0-9a-f]{16}$/);
    expect(v).not.toContain('pw-value');
    expect(ldapVersion(desired, { ...secrets, bindPassword: 'other' })).toBe(v);
    expect(ldapVersion(desired, { ...secrets, bindVersion: '12' })).not.toBe(v);
    expect(ldapVersion({ ...desired, enabledForDataPlane: false }, secrets)).not.toBe(v);
  });

  it('names the live fields that drifted, ignoring the masked password and whitespace around the CA', () => {
    const wanted = ldapConfig(desired, { ...secrets, caCert: 'PEM\n' });
    const live = { ...wanted, bind_pass: '***', ca_cert: 'PEM', data_plane: false, uris: ['ldap://a.example:389'] };
    expect(ldapDrift(wanted, live)).toEqual(['uris', 'data_plane']);
    expect(ldapDrift(wanted, { ...wanted, bind_pass: '***' })).toEqual([]);
  });
});
