/**
 * Every example's desired state, as the reconciler reads it: each
 * `examples/*.ts` that exports `synth(outdir)` is synthesized into a temp
 * dir, and every `<rec>-desired-state` ConfigMap found there is parsed by the
 * reconciler's own parser. The fields checked are the ones the reconciler
 * acts on, compared with the other synthesized objects they must match.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { DESIRED_STATE_KEY, DesiredState, parseDesiredState } from '../../../lib/contract/desired-state';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/**
 * Examples with a `synth(outdir)` export that declare a cluster (main.ts is
 * the CLI entry point that calls one; argocd.ts renders only the Argo CD
 * Applications that sync the others' folders).
 */
const examples = fs.readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => {
    const source = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
    return /export function synth\(/.test(source) && /new RedisEnterpriseCluster\(/.test(source);
  })
  .sort();

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []);
}

interface Synthesized { objects: any[]; states: Array<{ configMap: any; state: DesiredState }> }

function synthesizeExample(file: string): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-synth-'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.join(EXAMPLES, file)) as { synth(outdir: string): void }).synth(outdir);
    const objects = yamlFiles(outdir).flatMap((f) => yaml.loadAll(fs.readFileSync(f, 'utf8')) as any[]).filter((o) => o);
    const states = objects
      .filter((o) => o.kind === 'ConfigMap' && o.data?.[DESIRED_STATE_KEY] !== undefined)
      .map((configMap) => ({ configMap, state: parseDesiredState(configMap.data[DESIRED_STATE_KEY]) }));
    return { objects, states };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const find = (objects: any[], kind: string, name: string, namespace: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);

describe('the desired state of every example, parsed by the reconciler', () => {
  it('finds the examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['active-active.ts', 'production-cluster.ts']));
  });

  describe.each(examples)('%s', (file) => {
    const synthesized = synthesizeExample(file);

    it('has one parseable desired state per cluster', () => {
      const statefulSets = synthesized.objects.filter((o) => o.kind === 'StatefulSet');
      expect(synthesized.states.length).toBeGreaterThan(0);
      expect(synthesized.states).toHaveLength(statefulSets.length);
    });

    it('names the cluster, namespace, node count and objects that exist beside it', () => {
      for (const { configMap, state } of synthesized.states) {
        const { cluster } = state;
        expect(configMap.metadata).toMatchObject({ name: `${cluster.name}-desired-state`, namespace: cluster.namespace });
        expect(cluster.fqdn).toBe(`${cluster.name}.${cluster.namespace}.svc.cluster.local`);
        const sts = find(synthesized.objects, 'StatefulSet', cluster.name, cluster.namespace);
        expect(sts.spec.replicas).toBe(cluster.nodes);
        expect(cluster.nodes % 2).toBe(1);
        expect(cluster.nodeMemoryBytes).toBeGreaterThan(0);
        expect(cluster.statusConfigMapName).toBe(`${cluster.name}-status`);
        expect(cluster.adminUsername).toMatch(/@/);
        // The reconciler's Role grants exactly what it does with these.
        expect(find(synthesized.objects, 'Role', cluster.name, cluster.namespace)).toBeDefined();
        expect(find(synthesized.objects, 'ServiceAccount', cluster.name, cluster.namespace)).toBeDefined();
        if (cluster.rackAwarenessNodeLabel) expect(cluster.rackAwarenessNodeLabel).toBe('topology.kubernetes.io/zone');
      }
    });

    it('gives every database a unique port in range and Services that were synthesized', () => {
      for (const { state } of synthesized.states) {
        const all = [...state.databases, ...state.activeActiveDatabases];
        const ports = all.map((d) => d.port);
        expect(new Set(ports).size).toBe(ports.length);
        for (const db of all) {
          expect(db.port).toBeGreaterThanOrEqual(10000);
          expect(db.port).toBeLessThanOrEqual(19999);
          expect(db.memorySizeBytes).toBeGreaterThan(0);
          expect(db.passwordSecretName).toBeTruthy();
          for (const svc of [db.serviceName, db.headlessServiceName]) {
            expect(find(synthesized.objects, 'Service', svc, state.cluster.namespace)).toBeDefined();
          }
        }
      }
    });

    it('lets every Active-Active database name participants that are remote clusters, one of them local', () => {
      for (const { state } of synthesized.states) {
        const names = state.remoteClusters.map((r) => r.name);
        for (const aa of state.activeActiveDatabases) {
          expect(aa.participants.length).toBeGreaterThanOrEqual(2);
          for (const p of aa.participants) expect(names).toContain(p);
          expect(state.remoteClusters.filter((r) => aa.participants.includes(r.name) && r.local)).toHaveLength(1);
        }
      }
    });
  });

  it('production-cluster: the two databases with their declared settings', () => {
    const { states } = synthesizeExample('production-cluster.ts');
    const { state } = states[0];
    expect(state.cluster).toMatchObject({ name: 'rec', namespace: 'redis', nodes: 3, licenseSecretName: 'redis-enterprise-license' });
    const byName = Object.fromEntries(state.databases.map((d) => [d.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['orders', 'session-cache']);
    expect(byName.orders).toMatchObject({ memorySizeBytes: 1024 ** 3, replication: true, persistence: 'aofEverySecond', tlsMode: 'enabled' });
    expect(byName['session-cache']).toMatchObject({ memorySizeBytes: 512 * 1024 ** 2, port: 12000, evictionPolicy: 'allkeys-lru', replication: false });
  });

  it('active-active: carts in both clusters, each with its own local participant and hostname', () => {
    const { states } = synthesizeExample('active-active.ts');
    const east = states.find((s) => s.state.cluster.name === 'rec-east')!.state;
    const west = states.find((s) => s.state.cluster.name === 'rec-west')!.state;
    expect(east.activeActiveDatabases.map((d) => d.name)).toEqual(['carts']);
    expect([...east.activeActiveDatabases[0].participants].sort()).toEqual(['eu-west', 'us-east']);
    expect(east.activeActiveDatabases[0]).toMatchObject({ replication: true, tlsMode: 'enabled', passwordSecretName: 'carts-password' });
    expect(east.remoteClusters.find((r) => r.name === 'eu-west')).toMatchObject({ local: false, apiFqdn: 'api.rec-west.example.com' });
    expect(east.activeActiveDatabases[0].externalHostname).toBe('carts.db.rec-east.example.com');
    expect(west.activeActiveDatabases.map((d) => [d.name, d.externalHostname])).toEqual([['carts', 'carts.db.rec-west.example.com']]);
    expect(east.remoteClusters.filter((r) => r.local).map((r) => r.name)).toEqual(['us-east']);
    expect(west.remoteClusters.filter((r) => r.local).map((r) => r.name)).toEqual(['eu-west']);
  });
});
