/**
 * The control plane's PKI, made with openssl (kwokctl's model): one CA and
 * one RSA certificate, CN=kube-admin O=system:masters, valid for both server
 * and client auth. It is the apiserver's serving cert, every component's
 * client cert, and its key signs service-account tokens. Good enough for a
 * throw-away loopback cluster; never reuse it elsewhere.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Pki {
  caCert: string;
  cert: string;
  key: string;
}

const SANS = [
  'DNS:localhost',
  'IP:127.0.0.1',
  'IP:::1',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

function openssl(args: string[], cwd: string): void {
  // stdio ignored: openssl prints progress dots and nothing we need; errors throw with the exit code.
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createPki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '7',
      '-subj', '/CN=cdk8s-redis-enterprise-e2e-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  fs.writeFileSync(
    path.join(dir, 'admin.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${SANS.join(',')}`,
      '',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'admin.key', '-out', 'admin.csr',
    '-subj', '/O=system:masters/CN=kube-admin'], dir);
  openssl(['x509', '-req', '-in', 'admin.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'admin.crt', '-days', '7', '-extfile', 'admin.ext'], dir);
  return { caCert: path.join(dir, 'ca.crt'), cert: path.join(dir, 'admin.crt'), key: path.join(dir, 'admin.key') };
}
