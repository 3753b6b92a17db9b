/**
 * Certificates from Kubernetes Secrets, for `PUT /v1/cluster/certificates`:
 * the certificate under `tls.crt` (a `kubernetes.io/tls` Secret), `cert` or
 * `certificate`, the key under `tls.key` or `key`. Certificates are compared
 * by the SHA-256 fingerprint of the first (leaf) certificate of the PEM, the
 * same value `openssl x509 -fingerprint -sha256` prints: public, so it may
 * appear in the status; keys never leave this module's callers' request bodies.
 */
import { X509Certificate } from 'node:crypto';
import { DesiredCertificates } from '../../contract/desired-state';
import { Secret } from '../io/kube-types';
import { secretValue } from './secrets';

const CERT_KEYS = ['tls.crt', 'cert', 'certificate'];
const KEY_KEYS = ['tls.key', 'key'];

/** desired-state name → documented Redis Enterprise certificate name. */
export const CERTIFICATE_REST_NAMES: Record<keyof DesiredCertificates, string> = {
  api: 'api',
  proxy: 'proxy',
  syncer: 'syncer',
  cm: 'cm',
  metricsExporter: 'metrics_exporter',
};

export type CertificateRead =
  | { ok: true; certificate: string; key: string; fingerprint: string }
  | { ok: false; problem: string };

/** Reads and checks a certificate pair; problems name keys, never contents. */
export function certificateFromSecret(secret: Secret | undefined, secretName: string): CertificateRead {
  if (!secret) return { ok: false, problem: `Secret ${secretName} does not exist` };
  const certKey = CERT_KEYS.find((k) => secretValue(secret, k));
  const keyKey = KEY_KEYS.find((k) => secretValue(secret, k));
  if (!certKey || !keyKey) return { ok: false, problem: `Secret ${secretName} needs keys tls.crt and tls.key (or cert and key)` };
  const certificate = secretValue(secret, certKey)!;
  const fingerprint = fingerprintOf(certificate);
  if (!fingerprint) return { ok: false, problem: `Secret ${secretName} key ${certKey} is not a PEM certificate` };
  return { ok: true, certificate, key: secretValue(secret, keyKey)!, fingerprint };
}

/** SHA-256 fingerprint of the first certificate of a PEM, or undefined when it is not one. */
export function fingerprintOf(pem: unknown): string | undefined {
  if (typeof pem !== 'string' || !pem.includes('BEGIN CERTIFICATE')) return undefined;
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}
