/**
 * The sidecar verifies the certificate of its node's REST API: the REST API
 * double serves TLS, and is restarted on the same port with another
 * certificate to play a node (or an impostor on the pod's loopback) whose
 * certificate does not match. A refused handshake carries no request, so no
 * credentials reach the impostor: the double's request log shows it.
 */
import { X509Certificate } from 'node:crypto';
import { CertificatePins } from '../../../lib/reconciler/io/certificate-pins';
import { ReClient } from '../../../lib/reconciler/io/re-client';
import { RedisEnterpriseApiDouble, selfSignedCertificate, TlsMaterial } from '../../support/redis-enterprise-api-double';
import { ApiDoubleClusterRegistry } from '../../support/redis-enterprise-api-double';

jest.setTimeout(60_000);

const fp = (m: TlsMaterial) => new X509Certificate(m.certPem).fingerprint256;

describe('verified TLS to the REST API', () => {
  let node: TlsMaterial;
  let impostor: TlsMaterial;
  let installed: TlsMaterial;
  let double: RedisEnterpriseApiDouble;
  let url: string;
  const clients: ReClient[] = [];

  beforeAll(async () => {
    [node, impostor, installed] = await Promise.all(['node self-signed', 'impostor', 'installed api'].map((cn) => selfSignedCertificate(cn)));
  });
  beforeEach(async () => {
    double = new RedisEnterpriseApiDouble({ registry: new ApiDoubleClusterRegistry() });
    url = (await double.start(node)).url.replace('127.0.0.1', 'localhost');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await double.dispose();
  });

  const client = (pins?: CertificatePins, ca?: string) => {
    const c = new ReClient({ baseUrl: url, credentials: () => ({ username: 'admin@example.com', password: 'not-for-impostors' }), pins, ca, timeoutMs: 5000 });
    clients.push(c);
    return c;
  };
  /** The same node address, now serving `m`. */
  const serve = async (m: TlsMaterial) => {
    await double.stop();
    await double.start(m);
  };
  const requestsSeen = () => double.requestLog.entries().length;
  /** A keep-alive connection to the stopped instance may still be picked once (callers retry that too). */
  const bootstrap = async (c: ReClient) => {
    try {
      return await c.getBootstrap();
    } catch (e) {
      if (!/socket hang up|ECONNRESET/.test((e as Error).message)) throw e;
      return c.getBootstrap();
    }
  };

  it('asks nothing before the pins are told what the desired state says', async () => {
    const pins = new CertificatePins();
    await expect(bootstrap(client(pins))).rejects.toThrow(/trust is not established/);
    expect(requestsSeen()).toBe(0);
  });

  it('first use pins the node\'s certificate once; a different one later is refused, with no request sent', async () => {
    const pins = new CertificatePins();
    pins.follow(undefined, undefined);
    const c = client(pins);
    await expect(bootstrap(c)).resolves.toBeDefined();
    expect(pins.fingerprints).toEqual([fp(node)]);
    await serve(impostor);
    const before = requestsSeen();
    await expect(bootstrap(c)).rejects.toThrow(/certificate|self.signed|verify/i);
    expect(requestsSeen()).toBe(before);
  });

  it('a status that records the installed certificate closes first use: only that one is accepted', async () => {
    await serve(impostor);
    const pins = new CertificatePins();
    pins.follow(undefined, fp(node));
    await expect(bootstrap(client(pins))).rejects.toThrow(/certificate|self.signed|verify/i);
    expect(requestsSeen()).toBe(0);

    await serve(node);
    const again = new CertificatePins();
    again.follow(undefined, fp(node));
    await expect(bootstrap(client(again))).resolves.toBeDefined();
  });

  it('follows a rotation to the declared certificate, then refuses the old one', async () => {
    const pins = new CertificatePins();
    pins.follow(undefined, undefined);
    const c = client(pins);
    await bootstrap(c);
    // The api Secret is declared (and read) before the leader installs it: both are pinned.
    pins.follow(installed.certPem, undefined);
    await expect(bootstrap(c)).resolves.toBeDefined();
    await serve(installed);
    await expect(bootstrap(c)).resolves.toBeDefined();
    expect(pins.fingerprints).toEqual([fp(installed)]);
    await serve(node);
    await expect(bootstrap(c)).rejects.toThrow(/certificate|self.signed|verify/i);
    await serve(impostor);
    await expect(bootstrap(c)).rejects.toThrow(/certificate|self.signed|verify/i);
  });

  it('with a CA file, a certificate the CA did not sign is refused', async () => {
    await serve(impostor);
    await expect(bootstrap(client(undefined, node.certPem))).rejects.toThrow(/certificate|self.signed|verify/i);
    expect(requestsSeen()).toBe(0);
  });
});
