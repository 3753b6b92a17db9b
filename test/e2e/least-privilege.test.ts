/**
 * Least privilege at run time, on the real control plane with the reconciler
 * sidecars as containers of the image: a cluster with LDAP, an S3 backup and
 * two databases, whose reconcilers run with the synthesized Role and the
 * pod's own projected token volume (expiry shortened to the API's minimum,
 * 600 s, and refreshed by the harness at 80% as the kubelet would).
 *
 * - Secrets by name: SubjectAccessReviews and real requests with a token of
 *   the ServiceAccount show a Secret the declaration does not name can be
 *   neither read, listed nor watched; the named ones can, one name at a time.
 * - Token only where needed: the stored Pod gives no container but the
 *   reconciler a token; the reconciler keeps working after its first token expired.
 * - NetworkPolicy: the API server stores the synthesized policy (kwok
 *   enforces nothing: no network plugin runs).
 * - Secret hygiene: no secret value of the run appears in the synthesized
 *   YAML, the status ConfigMap, Events, the reconcilers' logs or metrics.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { BackupStorage, LdapProtocol, RedisEnterpriseCluster, RedisEnterpriseDatabase } from '../../lib';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { kubernetesMinorVersion } from './harness/connection';
import { describeE2E } from './harness/describe-e2e';
import { deleteNamespace } from './harness/namespaces';
import { reconcilerRuntime } from './harness/reconciler-image';
import { deployWithReconcilers, ensureReconcilerBuilt, fleetQueries, REC, ReconcilerNode, stopFleet } from './harness/reconciler-fleet';
import { execInSidecar } from './harness/reconciler-sidecar';
import { STORAGE_CLASS } from './harness/storage';
import { synthObjects } from './harness/synth';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';
/** The smallest expirationSeconds a TokenRequest (and a projected token source) accepts. */
const TOKEN_SECONDS = 600;
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const UNNAMED = 'application-credentials';

function clusterObjects(namespace: string, kubernetesVersion: string, databases: string[]): KubeObject[] {
  const objects = synthObjects((app) => {
    const chart = new Chart(app, 'least-privilege', { namespace });
    const cluster = new RedisEnterpriseCluster(chart, REC, {
      name: REC, nodes: 3, kubernetesVersion,
      rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
      persistence: { storageClassName: STORAGE_CLASS, volumeSize: '20Gi' },
      ldap: {
        protocol: LdapProtocol.LDAPS, servers: [{ host: 'ldap.example.com' }], bindCredentialsSecretName: 'ldap-bind',
        authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=com', authorizationAttribute: 'memberOf',
      },
      networkPolicy: {
        exposureNamespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
        prometheusNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
        egress: { kubernetesApiCidrs: ['127.0.0.1/32'] },
      },
    });
    for (const name of databases) {
      new RedisEnterpriseDatabase(chart, name, {
        cluster, memorySize: '100MB',
        ...(name === 'orders' ? { backup: { storage: BackupStorage.S3, location: 'backups', credentialsSecretName: 's3-creds' } } : {}),
      });
    }
  });
  // Shortened expiry, so that a rotation happens within the test (the construct's is 3600).
  const sts = objects.find((o) => o.kind === 'StatefulSet')!;
  const volume = sts.spec.template.spec.volumes.find((v: any) => v.projected);
  volume.projected.sources.find((s: any) => s.serviceAccountToken).serviceAccountToken.expirationSeconds = TOKEN_SECONDS;
  return objects;
}

/** One request to the API server as a bearer token: the answer's status. */
function asToken(port: number, caPem: string, token: string, apiPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: apiPath, ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

describeE2E('least privilege at run time', ({ client, info }) => {
  if (reconcilerRuntime() === 'process') throw new Error('least-privilege.test.ts needs E2E_RECONCILER_RUNTIME=container: its token is the pod\'s projected volume');
  const kubernetesVersion = kubernetesMinorVersion(info);
  let ns: string;
  let tmp: string;
  let objects: KubeObject[];
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 } });
  const nodes: ReconcilerNode[] = [];
  const { status } = fleetQueries(client, () => ns, registry);
  const secret = (name: string) => client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name });
  const port = Number(new URL(info.apiserverUrl).port);
  const caPem = () => fs.readFileSync(path.join(tmp, 'rec-0', 'serviceaccount', 'ca.crt'), 'utf8');

  async function converged(dbs: string[]): Promise<boolean> {
    const s = await status();
    return s?.clusterState === 'Running' && !s.lastError && dbs.every((d) => s.databases.some((x: any) => x.name === d && x.status === 'active'));
  }

  beforeAll(async () => {
    await ensureReconcilerBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'least-privilege-e2e-'));
    const deployed = await deployWithReconcilers({
      client, info, namespacePrefix: 'rec-least-privilege', dbs: [], registry, dir: tmp, fieldManager: FIELD_MANAGER,
      env: { LEASE_DURATION_SECONDS: '6', RESYNC_SECONDS: '5', LOG_LEVEL: 'debug' },
      objects: (n) => clusterObjects(n, kubernetesVersion, ['orders', 'sessions']),
      userObjects: () => [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ldap-bind' }, stringData: { dn: 'cn=rec,dc=example,dc=com', password: 'ldap-bind-pw-7f3a9c1e' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3-creds' }, stringData: { AWS_ACCESS_KEY_ID: 'AKIAE2ELEASTPRIV01', AWS_SECRET_ACCESS_KEY: 's3-secret-key-5d2b8e4f' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: UNNAMED }, stringData: { password: 'someone-elses-secret-9a8b' } },
      ] as KubeObject[],
    });
    ({ ns, objects } = deployed);
    nodes.push(...deployed.nodes);
    await waitFor('cluster Running with both databases active', async (observe) => {
      observe(await status());
      return converged(['orders', 'sessions']);
    }, { timeoutMs: 180_000 });
  });

  afterAll(async () => {
    for (const n of nodes) n.token?.stop();
    await stopFleet({ nodes, info, logName: 'least-privilege-e2e.log', tmp });
    if (ns) await deleteNamespace(client, ns);
  });

  it('a Secret the declaration does not name can be neither read, listed nor watched (SubjectAccessReview)', async () => {
    const user = `system:serviceaccount:${ns}:${REC}`;
    const groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
    const can = async (verb: string, name?: string) =>
      (await client.canI(user, groups, { verb, group: '', resource: 'secrets', namespace: ns, name })).allowed;
    const named = ['ldap-bind', REC, 'redb-orders', 'redb-sessions', 's3-creds'];
    const role = objects.find((o) => o.kind === 'Role')!;
    expect(role.rules.find((r: any) => r.resources.includes('secrets') && r.verbs.includes('get')).resourceNames).toEqual(named);
    const answers: Record<string, boolean> = {};
    for (const verb of ['get', 'list', 'watch']) {
      answers[`${verb} ${UNNAMED}`] = await can(verb, UNNAMED);
      answers[`${verb} (all)`] = await can(verb);
      for (const n of named) answers[`${verb} ${n}`] = await can(verb, n);
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, !k.includes(UNNAMED) && !k.includes('(all)')])));
    // create cannot be limited by name; update, patch and delete are not granted at all.
    expect(await can('create')).toBe(true);
    for (const verb of ['update', 'patch', 'delete']) expect(await can(verb, REC)).toBe(false);
  });

  it('pods can be deleted (rolling upgrade, quorum recovery) and patched only by name, and only the cluster\'s own (SubjectAccessReview)', async () => {
    const user = `system:serviceaccount:${ns}:${REC}`;
    const groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
    const can = async (verb: string, name?: string) =>
      (await client.canI(user, groups, { verb, group: '', resource: 'pods', namespace: ns, name })).allowed;
    const answers: Record<string, boolean> = {};
    for (const verb of ['delete', 'patch']) {
      for (const name of [`${REC}-0`, `${REC}-1`, `${REC}-2`, `${REC}-3`, 'other-pod']) answers[`${verb} ${name}`] = await can(verb, name);
      answers[`${verb} (all)`] = await can(verb);
    }
    answers.deletecollection = await can('deletecollection');
    answers.create = await can('create');
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, /^(delete|patch) rec-[012]$/.test(k)])));
  });

  it('the same, with a real token of the ServiceAccount: 403 for the unnamed Secret, 200 for a named one by field selector', async () => {
    const tr = await client.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${REC}/token`, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: TOKEN_SECONDS },
    });
    const as = (p: string) => asToken(port, caPem(), tr.status.token, `/api/v1/namespaces/${ns}/secrets${p}`);
    expect({
      getUnnamed: await as(`/${UNNAMED}`),
      listAll: await as(''),
      watchAll: await as('?watch=true&timeoutSeconds=1'),
      listUnnamed: await as(`?fieldSelector=metadata.name%3D${UNNAMED}`),
      watchUnnamed: await as(`?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3D${UNNAMED}`),
      getNamed: await as('/ldap-bind'),
      listNamed: await as('?fieldSelector=metadata.name%3Dldap-bind'),
      watchNamed: await as('?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dldap-bind'),
    }).toEqual({ getUnnamed: 403, listAll: 403, watchAll: 403, listUnnamed: 403, watchUnnamed: 403, getNamed: 200, listNamed: 200, watchNamed: 200 });
  });

  it('no container but the reconciler has a ServiceAccount token; the reconciler\'s is the projected one', async () => {
    const pod = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: `${REC}-0` });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    // The ServiceAccount admission added no volume of its own.
    expect(pod.spec.volumes.filter((v: any) => v.name.startsWith('kube-api-access-'))).toEqual([]);
    const tokenVolumes = pod.spec.volumes.filter((v: any) => v.projected?.sources?.some((s: any) => s.serviceAccountToken)).map((v: any) => v.name);
    const withToken = (pod.spec.containers as any[])
      .filter((c) => (c.volumeMounts ?? []).some((m: any) => tokenVolumes.includes(m.name) || m.mountPath === SA_DIR)).map((c) => c.name);
    expect(withToken).toEqual(['reconciler']);
    const read = await execInSidecar(nodes[0], `const d='${SA_DIR}';const fs=require('fs');console.log(['token','ca.crt','namespace'].map((f)=>fs.readFileSync(d+'/'+f,'utf8').length>0).join())`);
    expect(read).toEqual({ code: 0, output: expect.stringContaining('true,true,true') });
  });

  it('the API server stores the NetworkPolicy (not enforced here: kwok runs no network plugin)', async () => {
    const synthesized = objects.find((o) => o.kind === 'NetworkPolicy')!;
    const stored = await client.get({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: ns, name: `${REC}-nodes` });
    expect(stored.spec).toEqual(synthesized.spec);
  });

  it('keeps working after its first token expired: the harness rotated it at 80%, the reconciler re-read it', async () => {
    const first = nodes.map((n) => n.token!.issued[0]);
    await waitFor('every first token expired and a second one mounted', async (observe) => {
      observe(nodes.map((n) => ({ pod: n.pod, issued: n.token!.issued.length, expiresInS: Math.round((n.token!.issued[0].expiresAt - Date.now()) / 1000) })));
      return Date.now() > Math.max(...first.map((t) => t.expiresAt)) + 5_000 && nodes.every((n) => n.token!.issued.length >= 2);
    }, { timeoutMs: (TOKEN_SECONDS + 120) * 1000, intervalMs: 5_000 });
    // The first token is really dead: the API server refuses it (its JWT check allows a minute of clock skew past exp).
    const firstStatus = () => asToken(port, caPem(), first[0].token, `/api/v1/namespaces/${ns}/configmaps/${REC}-desired-state`);
    await waitFor('the API server refuses the first token', async (observe) => {
      const code = await firstStatus();
      observe(code);
      return code === 401;
    }, { timeoutMs: 180_000, intervalMs: 5_000 });
    // A change after the expiry: the reconcilers see it (watch) and make it true.
    await client.apply(clusterObjects(ns, kubernetesVersion, ['orders', 'sessions', 'after-rotation']), FIELD_MANAGER);
    await waitFor('database after-rotation active', async (observe) => {
      observe(await status());
      return converged(['orders', 'sessions', 'after-rotation']);
    }, { timeoutMs: 120_000 });
    const s = await status();
    expect(s.databases.find((d: any) => d.name === 'after-rotation').status).toBe('active');
  }, (TOKEN_SECONDS + 480) * 1000);

  it('no secret value of the run appears in the YAML, the status, Events, logs or metrics', async () => {
    const values: Record<string, string> = {};
    const add = (name: string, key: string, s: KubeObject) => { values[`${name}/${key}`] = Buffer.from(s.data[key], 'base64').toString(); };
    add(REC, 'password', await secret(REC));
    for (const db of ['orders', 'sessions', 'after-rotation']) add(`redb-${db}`, 'password', await secret(`redb-${db}`));
    add('ldap-bind', 'password', await secret('ldap-bind'));
    add('s3-creds', 'AWS_SECRET_ACCESS_KEY', await secret('s3-creds'));
    add('s3-creds', 'AWS_ACCESS_KEY_ID', await secret('s3-creds'));
    for (const v of Object.values(values)) expect(v.length).toBeGreaterThanOrEqual(12);
    const statusCm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: `${REC}-status` });
    const events = await client.list('v1', 'Event', ns);
    const metrics = await Promise.all(nodes.map(async (n) => (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text()));
    const places: Record<string, string> = {
      'synthesized YAML': objects.map((o) => yaml.dump(o)).join('---\n'),
      'status ConfigMap': JSON.stringify(statusCm),
      'Events': JSON.stringify(events),
      'reconciler logs': nodes.map((n) => n.log).join('\n'),
      'metrics': metrics.join('\n'),
    };
    // Each place holds what it should (so that an empty scan cannot pass).
    expect(places['Events']).toContain('DatabaseCreated');
    expect(places['reconciler logs'].length).toBeGreaterThan(1000);
    expect(places['metrics']).toContain('# TYPE');
    const found: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const [which, v] of Object.entries(values)) {
        if (text.includes(v) || text.includes(Buffer.from(v).toString('base64'))) found.push(`${which} in ${place}`);
      }
    }
    expect(found).toEqual([]);
  });
});
