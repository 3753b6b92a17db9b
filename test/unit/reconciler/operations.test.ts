import { OperationLog, OperationStatus } from '../../../lib/reconciler/plan/operations';
import { statusHealth } from '../../../lib/reconciler/plan/status-health';
import { StatusDocument } from '../../../lib/reconciler/plan/status';

const clock = (start: string) => {
  let t = Date.parse(start);
  return { now: () => t, advance: (s: number) => { t += s * 1000; } };
};

describe('OperationLog (status of day-2 operations)', () => {
  it('keeps startedAt across passes of one run and sets endedAt when it ends', () => {
    const c = clock('2026-12-02T10:00:00Z');
    const first = new OperationLog(undefined, c.now);
    first.running('ScaleIn', 'nodes 5 -> 3', 'removing node 5', 'rec-4');
    expect(first.transitions().map((t) => [t.from, t.to.phase])).toEqual([[undefined, 'Running']]);
    c.advance(30);
    const second = new OperationLog(first.list(), c.now);
    second.running('ScaleIn', 'nodes 5 -> 3', 'removing node 4', 'rec-3');
    expect(second.transitions()).toEqual([]);
    c.advance(30);
    second.succeeded('ScaleIn', 'nodes 5 -> 3', 'nodes 4 and 5 removed');
    expect(second.list()).toEqual([{
      kind: 'ScaleIn', phase: 'Succeeded', target: 'nodes 5 -> 3', message: 'nodes 4 and 5 removed',
      startedAt: '2026-12-02T10:00:00Z', endedAt: '2026-12-02T10:01:00Z',
    }]);
    expect(second.transitions().map((t) => [t.from, t.to.phase])).toEqual([['Running', 'Succeeded']]);
  });

  it('does not end an ended run again, and starts a new run for a new target', () => {
    const c = clock('2026-12-02T10:00:00Z');
    const log = new OperationLog(undefined, c.now);
    log.succeeded('VolumeExpansion', 'volume 20Gi -> 30Gi', 'done');
    const ended = log.list()!;
    c.advance(60);
    const next = new OperationLog(ended, c.now);
    next.succeeded('VolumeExpansion', 'volume 20Gi -> 30Gi', 'nothing to do');
    expect(next.list()).toEqual(ended);
    expect(next.transitions()).toEqual([]);
    next.running('VolumeExpansion', 'volume 30Gi -> 40Gi', 'patching claims');
    expect(next.get('VolumeExpansion')).toMatchObject({ phase: 'Running', startedAt: '2026-12-02T10:01:00Z' });
    expect(next.get('VolumeExpansion')!.endedAt).toBeUndefined();
  });

  it('lists nothing before any operation ran, and sorts entries by kind', () => {
    expect(new OperationLog(undefined).list()).toBeUndefined();
    const log = new OperationLog(undefined);
    log.running('VolumeExpansion', 'a', 'm');
    log.blocked('RollingUpgrade', 'b', 'm', 'rec-1');
    expect(log.list()!.map((o) => o.kind)).toEqual(['RollingUpgrade', 'VolumeExpansion']);
    expect(log.active().map((o) => o.phase)).toEqual(['Blocked', 'Running']);
  });
});

describe('status health with day-2 operations', () => {
  const base: StatusDocument = {
    schemaVersion: 1, clusterState: 'Running', desiredState: { valid: true }, nodes: [{ uid: 1, addr: '10.0.0.1', status: 'active' }],
    databases: [], activeActiveDatabases: [],
  };
  const op = (phase: OperationStatus['phase']): OperationStatus => ({ kind: 'RollingUpgrade', phase, target: 'image a -> b', node: 'rec-1', message: 'waiting for rec-1 to rejoin', startedAt: '2026-12-02T10:00:00Z' });

  it('is Progressing while an operation runs, Degraded when it is blocked or failed, Healthy once it succeeded', () => {
    expect(statusHealth({ ...base, operations: [op('Running')] })).toEqual({ status: 'Progressing', message: 'RollingUpgrade image a -> b (rec-1): waiting for rec-1 to rejoin' });
    expect(statusHealth({ ...base, operations: [op('Blocked')] }).status).toBe('Degraded');
    expect(statusHealth({ ...base, operations: [op('Failed')] }).status).toBe('Degraded');
    expect(statusHealth({ ...base, operations: [op('Succeeded')] }).status).toBe('Healthy');
  });
});
