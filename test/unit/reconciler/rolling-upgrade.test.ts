import { Pod } from '../../../lib/reconciler/io/kube-types';
import { OperationStatus } from '../../../lib/reconciler/plan/operations';
import { RollingUpgradeInput, UpgradeNode, planRollingUpgrade } from '../../../lib/reconciler/plan/rolling-upgrade';
import {
  imageRedisSoftwareVersion, parseRedisSoftwareVersion, upgradePath,
} from '../../../lib/contract/redis-software';

const OLD = 'redislabs/redis:8.0.16-37';
const NEW = 'redislabs/redis:8.0.20-44.23';
const T0 = Date.parse('2026-12-02T10:00:00Z');

function pod(i: number, image: string, o: { ready?: boolean; terminating?: boolean; createdAt?: number } = {}): Pod {
  return {
    metadata: {
      name: `rec-${i}`, uid: `uid-${i}-${image}`,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'rec', uid: 'sts-uid', controller: true }],
      ...(o.createdAt !== undefined ? { creationTimestamp: new Date(o.createdAt).toISOString() } : {}),
      ...(o.terminating ? { deletionTimestamp: new Date(T0 + 3.15e10).toISOString() } : {}),
    },
    spec: { containers: [{ name: 'redis-enterprise-node', image }, { name: 'reconciler', image: 'reconciler:1' }] },
    status: { podIP: `10.0.0.${i + 1}`, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function node(i: number, version: string, o: Partial<UpgradeNode> = {}): UpgradeNode {
  return { uid: i + 1, addr: `10.0.0.${i + 1}`, status: 'active', softwareVersion: version, inMaintenance: false, ...o };
}

const running = (node?: string, startedAt = T0): OperationStatus => ({
  kind: 'RollingUpgrade', phase: 'Running', target: `image ${OLD} -> ${NEW}`, message: '', startedAt: new Date(startedAt).toISOString(),
  ...(node ? { node } : {}),
});

function input(o: Partial<RollingUpgradeInput>): RollingUpgradeInput {
  return {
    clusterName: 'rec', image: NEW, version: '8.0.20-44', nodes: 3, nodeTimeoutSeconds: 600,
    pods: [pod(0, OLD), pod(1, OLD), pod(2, OLD)],
    reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.16-37')],
    databases: [{ name: 'orders', status: 'active' }], otherActive: [], now: T0, ...o,
  };
}

describe('rolling upgrade planner', () => {
  it('does nothing when every pod runs the desired image and no run is open', () => {
    expect(planRollingUpgrade(input({ pods: [pod(0, NEW), pod(1, NEW), pod(2, NEW)], reNodes: [0, 1, 2].map((i) => node(i, '8.0.20-44')) }))).toEqual({ action: 'idle' });
    expect(planRollingUpgrade(input({ image: undefined }))).toEqual({ action: 'idle' });
  });

  it('starts with the highest ordinal, naming old and new image, with the pod uid as precondition', () => {
    expect(planRollingUpgrade(input({}))).toMatchObject({
      action: 'delete', pod: 'rec-2', podUid: `uid-2-${OLD}`, target: `image ${OLD} -> ${NEW}`,
      message: expect.stringContaining('node 3, 8.0.16-37 -> 8.0.20-44'),
    });
  });

  it('waits while the replaced pod terminates, is not Ready, or its node is back on the old version or in maintenance', () => {
    const cases: Array<[string, Partial<RollingUpgradeInput>]> = [
      ['pod rec-2 is terminating', { pods: [pod(0, OLD), pod(1, OLD), pod(2, OLD, { terminating: true })] }],
      ['pod rec-2 is not Ready', { pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { ready: false, createdAt: T0 })] }],
      ['node 3 (rec-2) runs 8.0.16-37, not 8.0.20-44', { pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { createdAt: T0 })] }],
      ['node 3 (rec-2) is in maintenance mode', {
        pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { createdAt: T0 })],
        reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.20-44', { inMaintenance: true })],
      }],
      ['database orders is active-change-pending', {
        pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { createdAt: T0 })],
        reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.20-44')],
        databases: [{ name: 'orders', status: 'active-change-pending' }],
      }],
      ['Redis Enterprise lists 4 nodes, 3 expected', {
        pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { createdAt: T0 })],
        reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.20-44'), { uid: 9, addr: '10.0.0.99', status: 'down', inMaintenance: false }],
      }],
      ['2 of 3 pods are running', { pods: [pod(0, OLD), pod(1, OLD)] }],
    ];
    for (const [reason, o] of cases) {
      const d = planRollingUpgrade(input({ previous: running('rec-2'), now: T0 + 60_000, ...o }));
      expect({ reason, d }).toEqual({ reason, d: expect.objectContaining({ action: 'wait', node: 'rec-2', message: expect.stringContaining(reason) }) });
    }
  });

  it('replaces the next pod only once the previous node rejoined on the new version with its shards back', () => {
    const d = planRollingUpgrade(input({
      previous: running('rec-2'), now: T0 + 60_000,
      pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { createdAt: T0 })],
      reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.20-44')],
    }));
    expect(d).toMatchObject({ action: 'delete', pod: 'rec-1', target: `image ${OLD} -> ${NEW}` });
  });

  it('succeeds when every pod runs the new image and every node the new version', () => {
    const d = planRollingUpgrade(input({
      previous: running('rec-0'), pods: [pod(0, NEW, { createdAt: T0 }), pod(1, NEW), pod(2, NEW)], reNodes: [0, 1, 2].map((i) => node(i, '8.0.20-44')),
    }));
    expect(d).toEqual({ action: 'succeeded', target: `image ${OLD} -> ${NEW}`, message: 'every node runs 8.0.20-44' });
  });

  it('blocks (never deletes another pod) when the replaced node is not healthy within the bound', () => {
    const stuck = {
      previous: running('rec-2'), pods: [pod(0, OLD), pod(1, OLD), pod(2, NEW, { ready: false, createdAt: T0 })],
      reNodes: [node(0, '8.0.16-37'), node(1, '8.0.16-37'), node(2, '8.0.16-37', { status: 'down' })],
    };
    expect(planRollingUpgrade(input({ ...stuck, now: T0 + 599_000 })).action).toBe('wait');
    const d = planRollingUpgrade(input({ ...stuck, now: T0 + 601_000 }));
    expect(d).toMatchObject({ action: 'blocked', node: 'rec-2', message: expect.stringMatching(/not healthy 600 s after pod rec-2 was replaced.*node 3 \(rec-2\) is down/) });
    // A terminating replaced pod has no clock yet: its termination is bounded elsewhere.
    expect(planRollingUpgrade(input({ ...stuck, pods: [pod(0, OLD), pod(1, OLD), pod(2, OLD, { terminating: true })], now: T0 + 3_600_000 })).action).toBe('wait');
    // Nor while any pod is missing or terminating (a leader may have died between a delete and its status).
    expect(planRollingUpgrade(input({ ...stuck, pods: [pod(0, OLD), pod(1, OLD, { terminating: true }), pod(2, NEW, { createdAt: T0 })], now: T0 + 3_600_000 })).action).toBe('wait');
    expect(planRollingUpgrade(input({ ...stuck, pods: [pod(0, OLD), pod(2, NEW, { createdAt: T0 })], now: T0 + 3_600_000 })).action).toBe('wait');
  });

  it('rolls an image pinned by digest alone on the health checks only (REC031 warned: no version to check)', () => {
    const pinned = 'redislabs/redis@sha256:abcd';
    expect(planRollingUpgrade(input({ image: pinned, version: undefined }))).toMatchObject({ action: 'delete', pod: 'rec-2' });
    const done = planRollingUpgrade(input({
      image: pinned, version: undefined, previous: { ...running('rec-0'), target: `image ${OLD} -> ${pinned}` },
      pods: [pod(0, pinned, { createdAt: T0 }), pod(1, pinned), pod(2, pinned)],
    }));
    expect(done).toMatchObject({ action: 'succeeded', message: `every node runs ${pinned}` });
  });

  it('never deletes a pod the StatefulSet does not control (nothing would recreate it)', () => {
    const bare = (i: number) => ({ ...pod(i, OLD), metadata: { ...pod(i, OLD).metadata, ownerReferences: [] } });
    expect(planRollingUpgrade(input({ pods: [bare(0), bare(1), bare(2)] }))).toEqual({ action: 'idle' });
    expect(planRollingUpgrade(input({ pods: [pod(0, OLD), pod(1, OLD), bare(2)] }))).toMatchObject({ action: 'delete', pod: 'rec-1' });
  });

  it('waits for another day-2 operation, without a bound', () => {
    const other: OperationStatus = { kind: 'ScaleIn', phase: 'Running', target: 'nodes 5 -> 3', message: '', startedAt: '2026-12-02T09:00:00Z' };
    expect(planRollingUpgrade(input({ otherActive: [other], now: T0 + 86_400_000 }))).toMatchObject({ action: 'wait', message: expect.stringContaining('ScaleIn nodes 5 -> 3') });
  });

  it('refuses a downgrade and an unsupported path before touching any pod', () => {
    const down = planRollingUpgrade(input({ reNodes: [0, 1, 2].map((i) => node(i, '8.2.0-10')) }));
    expect(down).toMatchObject({ action: 'failed', message: expect.stringMatching(/no pod replaced.*older than 8\.2\.0-10/) });
    const skip = planRollingUpgrade(input({ image: 'redislabs/redis:8.0.20-26', version: '8.0.20-26', reNodes: [0, 1, 2].map((i) => node(i, '7.22.2-43')) }));
    expect(skip).toMatchObject({ action: 'failed', message: expect.stringContaining('7.22.2-43 to 8.0.20-26 is not supported') });
  });
});

describe('Redis Software versions and the documented upgrade matrix', () => {
  const v = (s: string) => parseRedisSoftwareVersion(s)!;
  it('reads the version from a tag, whatever the registry, without a digest', () => {
    expect(imageRedisSoftwareVersion('redislabs/redis:8.0.20-44.23')).toEqual(v('8.0.20-44'));
    expect(imageRedisSoftwareVersion('registry.example.com:5000/mirror/redis:7.22.0-216@sha256:0123')).toEqual(v('7.22.0-216'));
    expect(imageRedisSoftwareVersion('registry.example.com:5000/redis')).toBeUndefined();
    expect(imageRedisSoftwareVersion('redis:latest')).toBeUndefined();
  });

  it('follows the matrix rows (product lifecycle page)', () => {
    const verdict = (a: string, b: string) => upgradePath(v(a), v(b)).verdict;
    expect(verdict('7.4.6-102', '8.2.0-10')).toBe('supported');
    expect(verdict('7.8.6-13', '7.22.0-216')).toBe('supported');
    expect(verdict('8.0.16-37', '8.0.20-44')).toBe('supported');
    expect(verdict('8.0.20-44', '8.0.10-20')).toBe('downgrade');
    expect(verdict('8.0.20-44', '8.0.20-44')).toBe('same');
    expect(verdict('7.4.2-1', '7.8.6-13')).toBe('unsupported');
    expect(verdict('7.22.2-43', '8.0.20-26')).toBe('unsupported');
    expect(verdict('7.22.2-44', '8.0.20-26')).toBe('supported');
    expect(verdict('8.2.0-10', '9.0.0-1')).toBe('unknown');
  });
});
