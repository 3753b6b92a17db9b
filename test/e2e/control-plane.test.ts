/**
 * Self-test of the e2e harness: the control plane is real, current and does
 * what the cluster tests rely on (zones, binding claims, scheduling, kwok
 * readiness, adding and removing nodes).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { KubeObject, waitFor } from '../support/kube-client';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { addNodes, removeNodes, ZONE_LABEL, HOSTNAME_LABEL } from './harness/nodes';
import { ensureAvailableVolumes } from './harness/storage';

const isReady = (obj: any): boolean =>
  (obj?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

function podObject(name: string, namespace: string, nodeSelector?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeSelector,
      containers: [{ name: 'main', image: 'registry.invalid/never-pulled:1' }],
    },
  };
}

describeE2E('local control plane', ({ info, client }) => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace(client, 'harness');
  });
  afterAll(async () => {
    await deleteNamespace(client, ns);
  });

  it('runs the pinned versions of every component', async () => {
    const bin = (b: string): string => path.join(info.binDir, b);
    const version = (b: string, ...args: string[]): string => execFileSync(bin(b), args, { encoding: 'utf8' });
    expect(version('kube-apiserver', '--version')).toContain('Kubernetes v1.36.3');
    expect(version('kube-controller-manager', '--version')).toContain('Kubernetes v1.36.3');
    expect(version('kube-scheduler', '--version')).toContain('Kubernetes v1.36.3');
    expect(JSON.parse(version('kubectl', 'version', '--client', '-o', 'json')).clientVersion.gitVersion).toBe('v1.36.3');
    expect(version('etcd', '--version')).toContain('etcd Version: 3.6.8');
    expect(version('kwok', '--version')).toContain('v0.8.0');
    // The running server, not just the file on disk.
    expect((await client.call('GET', '/version')).gitVersion).toBe('v1.36.3');
  });

  it('serves only on loopback, and kubectl works with the kubeconfig', () => {
    expect(new URL(info.apiserverUrl).hostname).toBe('127.0.0.1');
    const out = execFileSync(path.join(info.binDir, 'kubectl'), ['--kubeconfig', info.kubeconfig, 'get', 'nodes', '-o', 'name'], {
      encoding: 'utf8',
    });
    for (const n of info.baseNodes) expect(out).toContain(`node/${n}`);
  });

  it('has 3 Ready, schedulable nodes in 3 zones', async () => {
    const nodes = (await client.list('v1', 'Node')).filter((n) => info.baseNodes.includes(n.metadata.name));
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      expect(isReady(n)).toBe(true);
      expect(n.spec.unschedulable).toBeFalsy();
      expect(n.metadata.labels![HOSTNAME_LABEL]).toBe(n.metadata.name);
    }
    expect(new Set(nodes.map((n) => n.metadata.labels![ZONE_LABEL]))).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
  });

  it('binds a claim of the e2e StorageClass to a static PV', async () => {
    await ensureAvailableVolumes(client, 1);
    await client.create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: ns },
      spec: { storageClassName: info.storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const pvc = await waitFor('claim data Bound', async (observe) => {
      const c = await client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: 'data' });
      observe(c.status);
      return c.status?.phase === 'Bound' && c;
    });
    const pv = await client.get({ apiVersion: 'v1', kind: 'PersistentVolume', name: pvc.spec.volumeName });
    expect(pv.spec.claimRef).toMatchObject({ namespace: ns, name: 'data' });
  });

  it('schedules a pod that kwok makes Running and Ready', async () => {
    await client.create(podObject('hello', ns));
    const pod = await waitFor('pod hello Ready', async (observe) => {
      const p = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'hello' });
      observe(p.status);
      return isReady(p) && p;
    });
    expect(info.baseNodes).toContain(pod.spec.nodeName);
    expect(pod.status.phase).toBe('Running');
  });

  it('adds a node that takes pods, and removes it', async () => {
    const name = 'kwok-node-extra';
    await addNodes(client, [{ name, zone: 'zone-a' }]);
    try {
      await client.create(podObject('pinned', ns, { [HOSTNAME_LABEL]: name }));
      const pod = await waitFor('pod pinned Ready', async () => {
        const p = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'pinned' });
        return isReady(p) && p;
      });
      expect(pod.spec.nodeName).toBe(name);
      await client.delete({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'pinned' });
      await waitFor('pod pinned deleted', async () =>
        (await client.tryGet({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'pinned' })) === undefined);
    } finally {
      await removeNodes(client, [name]);
    }
    expect(await client.tryGet({ apiVersion: 'v1', kind: 'Node', name })).toBeUndefined();
  });
});
