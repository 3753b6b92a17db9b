/**
 * TLS material for the test double: a throw-away self-signed certificate made
 * with the `openssl` CLI at first use (nothing is committed). The certificate
 * is its own CA, so clients trust exactly it via `ca: caCertPem` instead of
 * turning verification off. SANs cover 127.0.0.1 and localhost.
 *
 * One certificate serves every double in the process: generating a key per
 * instance would only slow tests down and proves nothing more.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

let cached: Promise<TlsMaterial> | undefined;
let ready: TlsMaterial | undefined;

export function tlsMaterial(): Promise<TlsMaterial> {
  if (!cached) {
    cached = generate();
    // A failed generation must not poison later attempts.
    cached.then((m) => { ready = m; }, () => { cached = undefined; });
  }
  return cached;
}

/** The serving certificate once made (every instance awaits it before it serves, so answers can use it synchronously). */
export function readyTlsCertificate(): string | undefined {
  return ready?.certPem;
}

/**
 * A fresh self-signed certificate and key for tests that install
 * certificates (PUT /v1/cluster/certificates) or LDAP CAs. Test material only.
 */
export function selfSignedCertificate(commonName: string, days = 30): Promise<TlsMaterial> {
  return generate(commonName, days);
}

async function generate(commonName = 'redis-enterprise-api-double', days = 7): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-enterprise-api-double-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', String(days),
      '-subj', `/CN=${commonName}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { certPem, keyPem };
  } catch (e) {
    throw new Error(`redis-enterprise-api-double: could not create a self-signed certificate with openssl: ${(e as Error).message}`);
  } finally {
    // The key lives only in memory from here on.
    await rm(dir, { recursive: true, force: true });
  }
}
