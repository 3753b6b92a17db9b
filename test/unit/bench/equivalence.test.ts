/**
 * The synthesis benchmarks compare our constructs with hand-written
 * baselines (bench/baseline/); their ratios mean something only while both
 * emit the same objects. This runs the benchmark's own check on the small
 * cases, so a construct change that the baselines have not followed fails
 * here, with the differing fields named.
 */
import { synthBaseline, synthOurs } from '../../../bench/cluster-sides';
import {
  synthActiveActiveBaseline, synthActiveActiveOurs, synthDatabasesBaseline, synthDatabasesOurs,
} from '../../../bench/databases-sides';
import { assertEquivalent, EquivalenceError, manifestDifferences } from '../../../bench/equivalence';

describe('benchmark baselines emit what the constructs emit', () => {
  it('one cluster', () => {
    expect(() => assertEquivalent('1 cluster', synthOurs(1).yaml, synthBaseline(1).yaml, 'update plain-cluster.ts')).not.toThrow();
  });

  it('one cluster with 2 databases', () => {
    expect(() => assertEquivalent('2 databases', synthDatabasesOurs(2).yaml, synthDatabasesBaseline(2).yaml, 'update plain-databases.ts')).not.toThrow();
  });

  it('10 clusters with 2 Active-Active databases', () => {
    expect(() => assertEquivalent('2 AA databases', synthActiveActiveOurs(2).yaml, synthActiveActiveBaseline(2).yaml, 'update plain-databases.ts'))
      .not.toThrow();
  });
});

describe('the equivalence check', () => {
  const ours = synthOurs(1).yaml;

  it('names the object and field that differ, with both values', () => {
    const edited = ours.replace('periodSeconds: 15', 'periodSeconds: 16');
    let error: unknown;
    try {
      assertEquivalent('edited', edited, ours, 'the hint');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EquivalenceError);
    expect((error as Error).message).toContain('StatefulSet/ns-0/rec /spec/template/spec/containers/0/livenessProbe/periodSeconds: ours 16, baseline 15');
    expect((error as Error).message).toContain('the hint');
  });

  it('reports an added annotation as absent from the baseline', () => {
    const annotated = ours.replace(/^metadata:\n/m, 'metadata:\n  annotations:\n    argocd.argoproj.io/sync-wave: "-1"\n');
    expect(manifestDifferences(annotated, ours)).toEqual([{
      object: 'ServiceAccount/ns-0/rec', path: '/metadata/annotations', ours: { 'argocd.argoproj.io/sync-wave': '-1' }, baseline: undefined,
    }]);
  });

  it('looks inside the desired-state JSON', () => {
    const edited = ours.replace('"nodes": 3', '"nodes": 4');
    expect(manifestDifferences(edited, ours)).toEqual([{
      object: 'ConfigMap/ns-0/rec-desired-state', path: '/data/desired-state.json/(json)/cluster/nodes', ours: 4, baseline: 3,
    }]);
  });

  it('reports a missing object by identity', () => {
    const docs = ours.split(/^---$/m);
    const withoutFirst = docs.slice(1).join('---');
    expect(manifestDifferences(withoutFirst, ours)[0]).toEqual({
      object: 'object #0', path: '(kind/namespace/name)', ours: 'Role/ns-0/rec', baseline: 'ServiceAccount/ns-0/rec',
    });
  });
});
