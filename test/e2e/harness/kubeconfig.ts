/**
 * A kubeconfig with the certificates embedded, so it stays valid wherever it
 * is copied and works with kubectl, kube-client and `KubeConfig.loadFromFile`.
 */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { Pki } from './pki';

export function writeKubeconfig(file: string, server: string, pki: Pki): void {
  const b64 = (f: string): string => fs.readFileSync(f).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [{ name: 'kube-admin', user: { 'client-certificate-data': b64(pki.cert), 'client-key-data': b64(pki.key) } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'kube-admin' } }],
    'current-context': 'e2e',
  };
  fs.writeFileSync(file, yaml.dump(doc), { mode: 0o600 });
}
