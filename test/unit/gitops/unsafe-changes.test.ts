import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { productionClusterChart } from '../../../examples/production-cluster';
import { findUnsafeChanges, RedisEnterpriseCluster, UnsafeChangeGuard } from '../../../lib';

const render = (o: { nodes?: number; volumeSize?: string } = {}, dbs = true): any[] => {
  const app = Testing.app();
  const chart = productionClusterChart(app, { namespace: 'redis', nodes: o.nodes, databases: dbs });
  const objs = chart.toJson();
  if (o.volumeSize) objs.find((x: any) => x.kind === 'StatefulSet').spec.volumeClaimTemplates[0].spec.resources.requests.storage = o.volumeSize;
  return objs;
};
const codes = (f: { code: string }[]) => f.map((x) => x.code).sort();
/** Edits the desired-state document of a render (for changes the construct's own rules refuse). */
const withDesired = (objs: any[], edit: (doc: any) => void): any[] => {
  const copy = JSON.parse(JSON.stringify(objs));
  const cm = copy.find((x: any) => x.metadata.name === 'rec-desired-state');
  const doc = JSON.parse(cm.data['desired-state.json']);
  edit(doc);
  cm.data['desired-state.json'] = JSON.stringify(doc);
  return copy;
};

describe('unsafe-change detection', () => {
  const base = render();

  test('an unchanged render has no finding', () => {
    expect(findUnsafeChanges(base, render())).toEqual([]);
  });

  test('a claim template that only grows is the reconciler\'s volume expansion (no finding), one that shrinks loses data (REGIT002)', () => {
    expect(findUnsafeChanges(base, render({ volumeSize: '30Gi' }))).toEqual([]);
    const shrink = findUnsafeChanges(base, render({ volumeSize: '10Gi' }));
    expect(codes(shrink)).toEqual(['REGIT002']);
    expect(shrink[0].message).toMatch(/20Gi to 10Gi/);
  });

  test('any other claim template change is refused by Kubernetes (REGIT001), growth or not', () => {
    const edit = (objs: any[], change: (t: any) => void) => {
      const copy = JSON.parse(JSON.stringify(objs));
      change(copy.find((x: any) => x.kind === 'StatefulSet').spec.volumeClaimTemplates[0]);
      return copy;
    };
    const otherClass = edit(base, (t) => { t.spec.storageClassName = 'other'; });
    expect(codes(findUnsafeChanges(base, otherClass))).toEqual(['REGIT001']);
    const grownAndRelabelled = edit(render({ volumeSize: '30Gi' }), (t) => { t.metadata.labels.extra = 'x'; });
    const findings = findUnsafeChanges(base, grownAndRelabelled);
    expect(codes(findings)).toEqual(['REGIT001']);
    expect(findings[0].message).toMatch(/volumeClaimTemplates changes \(\[0\]\.metadata\.labels\.extra/);
  });

  test('growth with Auto Tiering is refused (REGIT009, RED-165770) unless acknowledged', () => {
    const flash = (volumeSize: string, flashDiskSize: string) => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'redis' });
      new RedisEnterpriseCluster(chart, 'rec', { name: 'rec', nodes: 3, persistence: { volumeSize }, autoTiering: { storageClassName: 'nvme', flashDiskSize } });
      return chart.toJson();
    };
    const before = flash('20Gi', '40Gi');
    const findings = findUnsafeChanges(before, flash('20Gi', '80Gi'));
    expect(codes(findings)).toEqual(['REGIT009']);
    expect(findings[0].message).toMatch(/redis-enterprise-flash 40Gi -> 80Gi\).*RED-165770/);
    expect(codes(findUnsafeChanges(before, flash('30Gi', '40Gi')))).toEqual(['REGIT009']);
    expect(findUnsafeChanges(before, flash('30Gi', '80Gi'), ['REGIT009'])).toEqual([]);
  });

  test('a scale-in in one change is fine while enough nodes stay; never below 3, for the databases or to an even count (REGIT003, REGIT004)', () => {
    const five = render({ nodes: 5 });
    // The leaving pods' preStop removes their nodes one at a time: 5 -> 3 in one sync.
    expect(findUnsafeChanges(five, render({ nodes: 3 }))).toEqual([]);
    // A hand-edited render still meets the guard (REC001 refuses these in code).
    expect(codes(findUnsafeChanges(five, withDesired(five, (d) => { d.cluster.nodes = 1; })))).toEqual(['REGIT003']);
    const tooSmall = findUnsafeChanges(five, withDesired(render({ nodes: 3 }), (d) => { d.cluster.nodeMemoryBytes = 1024; }));
    expect(codes(tooSmall)).toEqual(['REGIT003']);
    expect(tooSmall[0].message).toMatch(/the databases need \d+ bytes \(replicas counted\) and 3 nodes hold/);
    // REC001 refuses an even count in code; a hand-edited render still meets REGIT004.
    expect(codes(findUnsafeChanges(five, withDesired(five, (d) => { d.cluster.nodes = 4; })))).toEqual(['REGIT004']);
  });

  test('a database removed under retain loses its Services (REGIT006), and an acknowledgement lets it through', () => {
    const without = render({}, false);
    const findings = findUnsafeChanges(base, without);
    expect(codes(findings)).toEqual(['REGIT006', 'REGIT006']);
    expect(findUnsafeChanges(base, without, ['REGIT006:ConfigMap/rec-desired-state'])).toEqual([]);
  });

  test('a database port change is reported (REGIT005)', () => {
    const moved = withDesired(base, (d) => { d.databases[0].port += 1; });
    expect(codes(findUnsafeChanges(base, moved))).toEqual(['REGIT005']);
  });

  test('the guard stops the synth and writes nothing', () => {
    const prev = fs.mkdtempSync(path.join(os.tmpdir(), 'prev-'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    try {
      const first = new App({ outdir: prev });
      productionClusterChart(first, { namespace: 'redis', nodes: 5 });
      first.synth();
      const app = new App({ outdir: out });
      const chart: Chart = productionClusterChart(app, { namespace: 'redis', nodes: 5, databases: false });
      new UnsafeChangeGuard(chart, 'guard', { previousManifestsDir: prev });
      expect(() => app.synth()).toThrow(/REGIT006 error .*is removed while its deletion policy is retain/);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(prev, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
