import { Testing } from 'cdk8s';
import { productionClusterChart } from '../../../examples/production-cluster';
import { applySyncWaves, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, SyncStage } from '../../../lib';

const wave = (objs: any[], kind: string, name: string) => Number(objs.find((o) => o.kind === kind && o.metadata.name === name).metadata.annotations[SYNC_WAVE_ANNOTATION]);

describe('sync waves', () => {
  const chart = productionClusterChart(Testing.app(), { namespace: 'redis' });
  applySyncWaves(chart);
  const objs = chart.toJson();

  test('every object has a wave: prerequisites, then configuration, then the cluster, then exposure, then health', () => {
    for (const o of objs) expect(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toMatch(/^-?\d+$/);
    const order = [
      wave(objs, 'ServiceAccount', 'rec'), wave(objs, 'ConfigMap', 'rec-desired-state'), wave(objs, 'StatefulSet', 'rec'),
      wave(objs, 'Service', 'orders'), wave(objs, 'ConfigMap', 'rec-status'),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    expect(wave(objs, 'PriorityClass', 'redis-enterprise')).toBe(wave(objs, 'Role', 'rec'));
    expect(wave(objs, 'Service', 'rec-nodes')).toBe(wave(objs, 'StatefulSet', 'rec'));
  });

  test('the StatefulSet and the desired state are never pruned or deleted with the Application', () => {
    const sts = objs.find((o: any) => o.kind === 'StatefulSet');
    expect(sts.metadata.annotations[SYNC_OPTIONS_ANNOTATION]).toBe('Prune=false,Delete=false');
    expect(objs.find((o: any) => o.kind === 'Service').metadata.annotations[SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
  });

  test('waves can be overridden per stage and per object', () => {
    const c = productionClusterChart(Testing.app(), { namespace: 'redis' });
    applySyncWaves(c, { waves: { [SyncStage.EXPOSURE]: 5 }, objectWaves: { 'Service/rec-ui': 7 } });
    const o = c.toJson();
    expect(wave(o, 'Service', 'orders')).toBe(5);
    expect(wave(o, 'Service', 'rec-ui')).toBe(7);
  });
});
