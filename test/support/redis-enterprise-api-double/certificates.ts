/**
 * Cluster certificates (documented `GET/PUT /v1/cluster/certificates` and the
 * certificates object: `name`, `certificate`, `key`, PEM).
 *
 * A new cluster has self-signed `api`, `cm`, `proxy`, `syncer` and
 * `metrics_exporter` certificates; the double reports its own serving
 * certificate for each (the served TLS certificate never changes, even when
 * `api` is replaced). PUT validates every entry before it changes anything,
 * as documented: unknown name 403, unparsable certificate or key, or a key
 * that does not belong to the certificate 400, expired (by the registry's
 * clock) 406. The error codes are the double's choice.
 *
 * Replacement takes time on a real cluster (the OpenAPI spec gives the PUT
 * `x-timeout-seconds: 900`): the new certificates are installed
 * `timing.certificateMs` after the PUT, which is answered then; a PUT that
 * arrives meanwhile answers the documented 409 "not all nodes have been
 * updated" (that a concurrent PUT is what meets it is the double's reading).
 *
 * Deliberate gap: GET omits the documented `<name>_key` fields. The double
 * keeps only a digest of each installed key, so no private key is ever
 * served or kept in a dump of its state.
 */
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { ApiError, schemaError } from './errors';
import { readyTlsCertificate } from './tls';

/** Documented certificate names. */
export const CERTIFICATE_NAMES = [
  'cm', 'api', 'mtls_trusted_ca', 'proxy', 'metrics_exporter', 'syncer', 'ldap_client',
  'ccs_internode_encryption', 'data_internode_encryption', 'sso_service', 'sso_issuer',
] as const;
const SELF_SIGNED_AT_CREATION = ['api', 'cm', 'proxy', 'syncer', 'metrics_exporter'];

interface Installed {
  readonly pem: string;
  readonly keyDigest: string;
}

type Checked = { name: string; pem: string; keyDigest: string };

export class CertificateStore {
  private readonly installed = new Map<string, Installed>();
  private running?: { readonly entries: Checked[]; readonly doneAt: number };
  /** Replacements that completed (tests count writes with it). */
  updates = 0;

  constructor(private readonly now: () => number) {}

  json(): Record<string, string> {
    this.settle();
    const out: Record<string, string> = {};
    const names = new Set([...SELF_SIGNED_AT_CREATION, ...this.installed.keys()]);
    for (const name of [...names].sort()) {
      const pem = this.installed.get(name)?.pem ?? readyTlsCertificate();
      if (pem) out[`${name}_cert`] = pem;
    }
    return out;
  }

  /**
   * PUT /v1/cluster/certificates: all entries valid, or nothing changes.
   * Answers when (registry clock) the replacement is done on every node.
   */
  replace(body: Record<string, unknown>, durationMs: number): { doneAt: number } {
    this.settle();
    if (this.running) throw new ApiError(409, 'not_all_nodes_updated', 'not all nodes have been updated: a certificate replacement is still running');
    const list = body.certificates;
    if (!Array.isArray(list) || list.length === 0) throw schemaError('certificates must be a non-empty list of certificate objects');
    const entries = list.map((entry) => this.check(entry));
    this.running = { entries, doneAt: this.now() + durationMs };
    this.settle();
    return { doneAt: this.running?.doneAt ?? this.now() };
  }

  /** A replacement is running (accepted, not yet done on every node). */
  get replacing(): boolean {
    this.settle();
    return this.running !== undefined;
  }

  /** Installs a replacement whose time has come. */
  private settle(): void {
    if (!this.running || this.now() < this.running.doneAt) return;
    for (const c of this.running.entries) this.installed.set(c.name, { pem: c.pem, keyDigest: c.keyDigest });
    this.running = undefined;
    this.updates++;
  }

  /** Test hook: SHA-256 fingerprint (colon-separated hex, as Node and openssl print it) of the current certificate. */
  fingerprint(name: string): string | undefined {
    this.settle();
    const pem = this.installed.get(name)?.pem ?? (SELF_SIGNED_AT_CREATION.includes(name) ? readyTlsCertificate() : undefined);
    return pem ? new X509Certificate(pem).fingerprint256 : undefined;
  }

  private check(entry: unknown): Checked {
    if (typeof entry !== 'object' || entry === null) throw schemaError('each certificate must be an object');
    const { name, certificate, key } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof certificate !== 'string' || typeof key !== 'string') {
      throw schemaError('each certificate needs string fields name, certificate and key');
    }
    if (!(CERTIFICATE_NAMES as readonly string[]).includes(name)) throw new ApiError(403, 'unknown_certificate', `unknown certificate name ${name}`);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificate);
    } catch {
      throw new ApiError(400, 'invalid_certificate', `the ${name} certificate is not a PEM certificate`);
    }
    let matches = false;
    try {
      matches = cert.checkPrivateKey(createPrivateKey(key));
    } catch {
      throw new ApiError(400, 'invalid_certificate', `the ${name} key is not a PEM private key`);
    }
    if (!matches) throw new ApiError(400, 'invalid_certificate', `the ${name} key does not belong to its certificate`);
    if (Date.parse(cert.validTo) < this.now()) throw new ApiError(406, 'certificate_expired', `the ${name} certificate has expired`);
    return { name, pem: certificate, keyDigest: createHash('sha256').update(key).digest('hex') };
  }
}
