/**
 * The reconciler's own Kubernetes client against the real API server, as the
 * `<rec>` ServiceAccount with its synthesized Role: in-cluster configuration
 * on 127.0.0.1, a token rotated under it, the API server's own 404/409/403
 * answers, JSON merge patch of labels, and watches (events in order, stop).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { KubeApiError, WatchEvent, isConflict } from '../../../lib/reconciler/io/kube-api';
import { KubeClient } from '../../../lib/reconciler/io/kube-client';
import { inClusterConnection } from '../../../lib/reconciler/io/kube-config';
import { waitFor } from '../../support/kube-client';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { createNamespace, deleteNamespace } from '../harness/namespaces';

describeE2E('the reconciler\'s Kubernetes client', ({ client, info }) => {
  let ns: string;
  let dir: string;
  let kube: KubeClient;
  let firstToken: string;
  const env = () => ({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(info.apiserverUrl).port });

  /** A token of ServiceAccount `rec`, bound to Secret `holder` (deleting it revokes the token). */
  async function boundToken(holder: string): Promise<string> {
    const secret = await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: holder, namespace: ns } });
    const tr = await client.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/rec/token`, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
      spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: holder, uid: secret.metadata.uid } },
    });
    return tr.status.token;
  }

  beforeAll(async () => {
    ns = await createNamespace(client, 'rip-client');
    const fixture = synthesize({ namespace: ns });
    await client.apply(fixture.objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap'].includes(o.kind) && o.metadata.namespace === ns), 'kube-client-test');
    // The service account directory a pod would have: token and ca.crt.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rip-client-'));
    const admin = yaml.load(fs.readFileSync(info.kubeconfig, 'utf8')) as any;
    fs.writeFileSync(path.join(dir, 'ca.crt'), Buffer.from(admin.clusters[0].cluster['certificate-authority-data'], 'base64'));
    firstToken = await boundToken('token-holder-a');
    fs.writeFileSync(path.join(dir, 'token'), firstToken);
    kube = new KubeClient(inClusterConnection(env(), dir), ns);
  });

  afterAll(async () => {
    kube?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await deleteNamespace(client, ns);
  });

  it('works in-cluster against 127.0.0.1 with the service account token and CA', async () => {
    expect((await kube.getConfigMap('rec-desired-state'))?.data?.['desired-state.json']).toContain('"schemaVersion"');
    expect(await kube.getConfigMap('absent')).toBeUndefined();
  });

  it('reads the token file again after a 401: a rotated token is picked up', async () => {
    // The kubelet rotates the projected token: a new one in the file, the old one revoked.
    fs.writeFileSync(path.join(dir, 'token'), await boundToken('token-holder-b'));
    await client.delete({ apiVersion: 'v1', kind: 'Secret', name: 'token-holder-a', namespace: ns });
    await waitFor('the first token refused', async () => {
      const review = await client.call('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: firstToken },
      });
      return review.status.authenticated !== true;
    });
    // The client still holds the revoked token (read under a minute ago): its next call gets a 401, re-reads, succeeds.
    expect((await kube.getConfigMap('rec-desired-state'))?.metadata.name).toBe('rec-desired-state');
  });

  it('answers the API server\'s 409 for a duplicate create and a stale replace, and its short message for a 403', async () => {
    // The one ConfigMap the Role lets it update.
    const cm = await kube.createConfigMap({ metadata: { name: 'rec-status' }, data: { a: '1' } });
    const dup = await kube.createConfigMap({ metadata: { name: 'rec-status' } }).catch((e) => e);
    expect(isConflict(dup)).toBe(true);
    const next = await kube.replaceConfigMap({ ...cm, data: { a: '2' } });
    expect(next.metadata.resourceVersion).not.toBe(cm.metadata.resourceVersion);
    const stale = await kube.replaceConfigMap({ ...cm, data: { a: '3' } }).catch((e) => e);
    expect(isConflict(stale)).toBe(true);
    expect((await kube.getConfigMap('rec-status'))!.data).toEqual({ a: '2' });
    // Not in the Role: nodes are cluster-scoped.
    const forbidden = await kube.getNode(info.baseNodes[0]).catch((e) => e);
    expect(forbidden).toBeInstanceOf(KubeApiError);
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toMatch(/^nodes "kwok-node-0" is forbidden: User "system:serviceaccount:.*:rec" cannot get resource "nodes"/);
  });

  it('creates Secrets from stringData (stored as base64 data) and patches pod labels with a JSON merge patch', async () => {
    // The Role reads only the Secrets the desired state names: the admin credentials `rec` is one.
    await kube.createSecret({ metadata: { name: 'rec' }, stringData: { password: 'p' } });
    expect((await kube.getSecret('rec'))!.data).toEqual({ password: Buffer.from('p').toString('base64') });
    // create is unnamed (Kubernetes cannot limit it by name); reading back a Secret it does not name is refused.
    await kube.createSecret({ metadata: { name: 'probe-secret' }, stringData: { password: 'p' } });
    await expect(kube.getSecret('probe-secret')).rejects.toMatchObject({ status: 403 });
    await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'rec-0', namespace: ns, labels: { keep: 'yes', drop: 'me' } },
      spec: { containers: [{ name: 'c', image: 'registry.invalid/none' }] } });
    await kube.patchPodLabels('rec-0', { drop: null, added: 'x' });
    const pods = await kube.listPods('keep=yes');
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0].metadata.labels).toMatchObject({ keep: 'yes', added: 'x' });
    expect(pods.items[0].metadata.labels).not.toHaveProperty('drop');
  });

  it('watches from a listed resourceVersion: ADDED, MODIFIED, DELETED in order, and stop() closes once without an error', async () => {
    const list = await kube.list('configmaps', { fieldSelector: 'metadata.name=watched' });
    const events: WatchEvent[] = [];
    const closes: unknown[] = [];
    const handle = await kube.watch('configmaps', {
      fieldSelector: 'metadata.name=watched', resourceVersion: list.resourceVersion,
      onEvent: (e) => { if (e.type !== 'BOOKMARK') events.push(e); }, onClose: (e) => closes.push(e),
    });
    // Written by someone else (the Role lets the reconciler update only its status ConfigMap).
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace: ns }, data: { v: '1' } });
    await client.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'watched', namespace: ns }, { data: { v: '2' } });
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'watched', namespace: ns });
    await waitFor('three events', async () => events.length >= 3, { intervalMs: 20 });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events.every((e) => e.object.metadata?.name === 'watched')).toBe(true);
    handle.stop();
    handle.stop();
    expect(closes).toEqual([undefined]);
  });
});
