/**
 * The volume-expansion planner (pure): from the declared sizes, the claims
 * and the StatefulSet as the API server returns them, one step per pass.
 * The duty that carries the steps out runs against the real API server in
 * test/e2e/day2-volume-expansion.test.ts.
 */
import { PersistentVolumeClaim, StatefulSet } from '../../../lib/reconciler/io/kube-types';
import { OperationStatus } from '../../../lib/reconciler/plan/operations';
import { quantityBytes } from '../../../lib/reconciler/plan/quantity';
import { VolumeExpansionInput, WAITING_FOR_APPLY, planVolumeExpansion } from '../../../lib/reconciler/plan/volume-expansion';
import { synthesize } from './support/desired';

const declared = (size: string) => synthesize({ cluster: { persistence: { volumeSize: size } } }).state.cluster.volumeClaims!;

function claim(name: string, request: string, capacity: string, extra: Partial<NonNullable<PersistentVolumeClaim['status']>> = {}): PersistentVolumeClaim {
  return { metadata: { name }, spec: { resources: { requests: { storage: request } } }, status: { phase: 'Bound', capacity: { storage: capacity }, ...extra } };
}

function claims(request: string, capacity: string, n = 3): Map<string, PersistentVolumeClaim> {
  return new Map(Array.from({ length: n }, (_, i) => {
    const name = `redis-enterprise-storage-rec-${i}`;
    return [name, claim(name, request, capacity)] as const;
  }));
}

function statefulSet(size: string, status: Partial<NonNullable<StatefulSet['status']>> = {}): StatefulSet {
  return {
    metadata: { name: 'rec', uid: 'sts-uid-1', generation: 1 },
    spec: { replicas: 3, volumeClaimTemplates: [{ metadata: { name: 'redis-enterprise-storage' }, spec: { resources: { requests: { storage: size } } } }] },
    status: { replicas: 3, readyReplicas: 3, currentRevision: 'rec-abc', updateRevision: 'rec-abc', observedGeneration: 1, ...status },
  };
}

const running = (target: string): OperationStatus => ({ kind: 'VolumeExpansion', phase: 'Running', target, message: 'm', startedAt: '2026-12-02T04:00:00Z' });

function plan(o: Partial<VolumeExpansionInput>) {
  return planVolumeExpansion({ clusterName: 'rec', nodes: 3, declared: declared('30Gi'), claims: new Map(), ...o });
}

describe('volume expansion planner', () => {
  test('quantities compare as bytes in every form the API server writes', () => {
    expect(quantityBytes('30Gi')).toBe(30 * 2 ** 30);
    expect(quantityBytes('32212254720')).toBe(30 * 2 ** 30);
    expect(quantityBytes('1.5Ti')).toBe(1.5 * 2 ** 40);
    expect(quantityBytes('500M')).toBe(5e8);
    expect(quantityBytes('5e9')).toBe(5e9);
    expect(quantityBytes('30 GiB')).toBeUndefined();
  });

  test('the desired state declares the claim templates\' sizes, the flash one with Auto Tiering', () => {
    expect(declared('30Gi')).toEqual([{ template: 'redis-enterprise-storage', size: '30Gi' }]);
    const flash = synthesize({ cluster: { persistence: { volumeSize: '20Gi' }, autoTiering: { storageClassName: 'nvme', flashDiskSize: '50Gi' } } });
    expect(flash.state.cluster.volumeClaims).toEqual([
      { template: 'redis-enterprise-storage', size: '20Gi' }, { template: 'redis-enterprise-flash', size: '50Gi' },
    ]);
  });

  test('nothing to do at steady state, nor without a StatefulSet and claims (nothing of ours)', () => {
    expect(plan({ claims: claims('30Gi', '30Gi'), statefulSet: statefulSet('30Gi') })).toEqual({ step: 'none' });
    expect(plan({})).toEqual({ step: 'none' });
    // A static PV larger than the request: the claim's capacity already covers the declared size.
    expect(plan({ claims: claims('30Gi', '100Gi'), statefulSet: statefulSet('30Gi') })).toEqual({ step: 'none' });
  });

  test('claims below the declared size are patched, all in one pass; the target says from and to', () => {
    const step = plan({ claims: claims('20Gi', '20Gi'), statefulSet: statefulSet('20Gi') });
    expect(step).toMatchObject({ step: 'patch', target: 'volume 20Gi -> 30Gi', pod: 'rec-0' });
    expect(step.step === 'patch' && step.claims).toEqual([0, 1, 2].map((i) => ({ claim: `redis-enterprise-storage-rec-${i}`, pod: `rec-${i}`, size: '30Gi' })));
  });

  test('waits for every claim\'s capacity, naming the resize conditions; a resize error is Blocked', () => {
    const c = claims('30Gi', '20Gi');
    c.set('redis-enterprise-storage-rec-1', claim('redis-enterprise-storage-rec-1', '30Gi', '20Gi', {
      conditions: [{ type: 'FileSystemResizePending', status: 'True', message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.' }],
    }));
    c.set('redis-enterprise-storage-rec-2', claim('redis-enterprise-storage-rec-2', '30Gi', '30Gi'));
    const prev = running('volume 20Gi -> 30Gi');
    const step = plan({ claims: c, statefulSet: statefulSet('20Gi'), previous: prev });
    expect(step).toEqual({
      step: 'wait-claims', target: 'volume 20Gi -> 30Gi', pod: 'rec-0',
      message: 'waiting for claims: redis-enterprise-storage-rec-0 20Gi of 30Gi, redis-enterprise-storage-rec-1 20Gi of 30Gi '
        + '(FileSystemResizePending: Waiting for user to (re-)start a pod to finish file system resize of volume on node.)',
    });
    c.set('redis-enterprise-storage-rec-0', claim('redis-enterprise-storage-rec-0', '30Gi', '20Gi', { allocatedResourceStatuses: { storage: 'ControllerResizeInfeasible' } }));
    expect(plan({ claims: c, statefulSet: statefulSet('20Gi'), previous: prev })).toMatchObject({ step: 'blocked-claims', pod: 'rec-0', message: expect.stringMatching(/^resize failed: redis-enterprise-storage-rec-0 20Gi of 30Gi/) });
  });

  test('the StatefulSet is replaced only once every claim is expanded and it has settled', () => {
    const prev = running('volume 20Gi -> 30Gi');
    const expanded = claims('30Gi', '30Gi');
    expect(plan({ claims: expanded, statefulSet: statefulSet('20Gi', { readyReplicas: 2 }), previous: prev }))
      .toMatchObject({ step: 'wait-statefulset', message: expect.stringContaining('2/3 pods Ready') });
    expect(plan({ claims: expanded, statefulSet: statefulSet('20Gi', { updateRevision: 'rec-def' }), previous: prev }))
      .toMatchObject({ step: 'wait-statefulset', message: expect.stringContaining('rollout') });
    expect(plan({ claims: expanded, statefulSet: statefulSet('20Gi'), previous: prev }))
      .toMatchObject({ step: 'delete-statefulset', uid: 'sts-uid-1', target: 'volume 20Gi -> 30Gi' });
  });

  test('after the orphan delete it waits for the apply, then succeeds with the same target', () => {
    const prev = { ...running('volume 20Gi -> 30Gi'), message: WAITING_FOR_APPLY };
    const expanded = claims('30Gi', '30Gi');
    expect(plan({ claims: expanded, previous: prev })).toMatchObject({ step: 'wait-apply', target: 'volume 20Gi -> 30Gi', message: expect.stringMatching(/^StatefulSet deleted \(orphan\), waiting for it to be applied again/) });
    expect(plan({ claims: expanded, statefulSet: statefulSet('30Gi'), previous: prev })).toMatchObject({ step: 'done', target: 'volume 20Gi -> 30Gi' });
    // Once ended, later passes find nothing to do.
    expect(plan({ claims: expanded, statefulSet: statefulSet('30Gi'), previous: { ...prev, phase: 'Succeeded', endedAt: '2026-12-02T04:01:00Z' } })).toEqual({ step: 'none' });
  });

  test('claims below the declared size on larger volumes: patched under a named target, then done without waiting for a StatefulSet it never deleted', () => {
    // Bare pods on claims of 1Gi bound to 100Gi volumes (no StatefulSet at all): the in-process e2e fleets.
    const first = plan({ claims: claims('1Gi', '100Gi') });
    expect(first).toMatchObject({ step: 'patch', target: 'volume 1Gi -> 30Gi' });
    const prev = { ...running('volume 1Gi -> 30Gi'), message: (first as { message: string }).message };
    expect(plan({ claims: claims('30Gi', '100Gi'), previous: prev })).toMatchObject({ step: 'done', target: 'volume 1Gi -> 30Gi', message: 'every claim has volume 30Gi' });
    // With the StatefulSet's templates at the size already, done as well (no orphan delete).
    expect(plan({ claims: claims('30Gi', '100Gi'), statefulSet: statefulSet('30Gi'), previous: prev })).toMatchObject({ step: 'done' });
  });

  test('a Blocked run keeps its target while it resumes; a new size is a new run', () => {
    const blocked: OperationStatus = { ...running('volume 20Gi -> 30Gi'), phase: 'Blocked' };
    expect(plan({ claims: claims('20Gi', '20Gi'), statefulSet: statefulSet('20Gi'), previous: blocked })).toMatchObject({ step: 'patch', target: 'volume 20Gi -> 30Gi' });
    expect(plan({ declared: declared('40Gi'), claims: claims('30Gi', '30Gi'), statefulSet: statefulSet('20Gi'), previous: blocked }))
      .toMatchObject({ step: 'patch', target: 'volume 20Gi -> 40Gi' });
  });

  test('claims of pods not created yet are skipped; the flash claims are expanded too', () => {
    const two = claims('20Gi', '20Gi', 2);
    const step = plan({ claims: two, statefulSet: statefulSet('20Gi') });
    expect(step.step === 'patch' && step.claims.map((c) => c.claim)).toEqual(['redis-enterprise-storage-rec-0', 'redis-enterprise-storage-rec-1']);
    const flash = [{ template: 'redis-enterprise-storage', size: '20Gi' }, { template: 'redis-enterprise-flash', size: '80Gi' }];
    const withFlash = claims('20Gi', '20Gi');
    withFlash.set('redis-enterprise-flash-rec-0', claim('redis-enterprise-flash-rec-0', '40Gi', '40Gi'));
    expect(plan({ declared: flash, claims: withFlash })).toMatchObject({
      step: 'patch', target: 'flash 40Gi -> 80Gi', claims: [{ claim: 'redis-enterprise-flash-rec-0', pod: 'rec-0', size: '80Gi' }],
    });
  });
});
