/**
 * Issue 4 end to end: the CRDs of the ecosystem objects we emit are installed
 * into the real API server, then the single-cluster YAML (databases, external
 * access through OpenShift Routes, monitoring) and both Active-Active
 * clusters' YAML (HAProxy Ingress and Istio) are server-side applied, each
 * "Kubernetes cluster" standing in as its own namespace (and its cluster-scoped
 * node reader named for it). Everything must be accepted by the API server's
 * validation, CRD schemas included.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { activeActiveApp } from '../../examples/active-active';
import {
  ExternalAccessMethod, RedisEnterpriseCluster, RedisEnterpriseDatabase, TlsMode,
} from '../../lib';
import { clusterObjectNames } from '../../lib/contract/names';
import { KubeObject, waitFor } from '../support/kube-client';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { synthObjects } from './harness/synth';

const CRD_DIR = path.join(__dirname, '..', 'fixtures', 'schemas', 'crds');
const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';

const kinds = (objects: KubeObject[]) => [...new Set(objects.map((o) => o.kind))].sort();

describeE2E('databases, external access, monitoring and Active-Active applied to a real API server', ({ client }) => {
  const namespaces: string[] = [];
  /** Cluster-scoped objects applied: deleting a namespace leaves them. */
  const clusterWide: KubeObject[] = [];

  beforeAll(async () => {
    const crds = fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))
      .map((f) => yaml.load(fs.readFileSync(path.join(CRD_DIR, f), 'utf8')) as KubeObject);
    await client.apply(crds, FIELD_MANAGER);
    for (const crd of crds) {
      await waitFor(`CRD ${crd.metadata.name} Established`, async () => {
        const live: any = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata.name });
        return live.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
      });
    }
  });

  afterAll(async () => {
    for (const o of clusterWide) await client.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name });
    for (const ns of namespaces) await deleteNamespace(client, ns);
  });

  test('single cluster with databases, OpenShift Routes and monitoring: every object accepted', async () => {
    const ns = await createNamespace(client, 'single');
    namespaces.push(ns);
    const objects = synthObjects((app) => {
      const chart = new Chart(app, 'single', { namespace: ns });
      const cluster = new RedisEnterpriseCluster(chart, 'rec', {
        externalAccess: { method: ExternalAccessMethod.OPENSHIFT_ROUTE, apiFqdn: 'api.rec.example.com', dbFqdnSuffix: '.db.rec.example.com' },
        monitoring: { serviceMonitor: true, prometheusRules: true },
      });
      new RedisEnterpriseDatabase(chart, 'orders', { cluster, memorySize: '1GB', replication: true, tlsMode: TlsMode.ENABLED, externalAccess: true });
      new RedisEnterpriseDatabase(chart, 'cache', { cluster, memorySize: '512MB', port: 12000 });
    });
    expect(kinds(objects)).toEqual(expect.arrayContaining(['PrometheusRule', 'Route', 'ServiceMonitor', 'Service', 'StatefulSet']));
    const applied = await client.apply(objects, FIELD_MANAGER);
    expect(applied).toHaveLength(objects.length);
    for (const route of applied.filter((o) => o.kind === 'Route')) {
      expect((route as any).spec.tls.termination).toBe('passthrough');
    }
    const orders: any = await client.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'orders' });
    expect(orders.spec.selector).toBeUndefined();
    expect(orders.spec.ports[0].name).toBe('redis');
  });

  test('both Active-Active clusters (HAProxy Ingress and Istio): every object accepted in its own namespace', async () => {
    const east = await createNamespace(client, 'aa-east');
    const west = await createNamespace(client, 'aa-west');
    namespaces.push(east, west);
    const objects = synthObjects((app) => activeActiveApp(app, { eastNamespace: east, westNamespace: west }));
    const inEast = objects.filter((o) => o.metadata.namespace === east);
    const inWest = objects.filter((o) => o.metadata.namespace === west);
    // The rack id is read from the Node API (default target Kubernetes older than 1.35): each cluster's node reader.
    const clusterScoped = objects.filter((o) => o.metadata.namespace === undefined);
    expect(inEast.length + inWest.length + clusterScoped.length).toBe(objects.length);
    const readerOf = (rec: string, ns: string) => clusterObjectNames(rec, ns).nodeReaderClusterRole;
    const eastReader = readerOf('rec-east', east);
    const westReader = readerOf('rec-west', west);
    expect(clusterScoped.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      `ClusterRole/${eastReader}`, `ClusterRole/${westReader}`, `ClusterRoleBinding/${eastReader}`, `ClusterRoleBinding/${westReader}`,
    ].sort());
    for (const [reader, rec, ns] of [[eastReader, 'rec-east', east], [westReader, 'rec-west', west]]) {
      const binding = clusterScoped.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === reader)!;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: rec, namespace: ns }]);
    }
    expect(kinds(inEast)).toContain('Ingress');
    expect(kinds(inWest)).toEqual(expect.arrayContaining(['Gateway', 'VirtualService']));
    clusterWide.push(...clusterScoped);
    await client.apply(clusterScoped, FIELD_MANAGER);
    await client.apply(inEast, FIELD_MANAGER);
    await client.apply(inWest, FIELD_MANAGER);
    const eastBinding: any = await client.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: eastReader });
    expect(eastBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: eastReader });
    const vs: any = await client.get({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: west, name: 'carts' });
    expect(vs.spec.tls[0].match[0].sniHosts).toEqual(['carts.db.rec-west.example.com']);
    const cm: any = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: east, name: 'rec-east-desired-state' });
    const doc = JSON.parse(cm.data['desired-state.json']);
    expect(doc.remoteClusters.map((r: any) => `${r.name}:${r.local}`)).toEqual(['eu-west:false', 'us-east:true']);
  });
});
