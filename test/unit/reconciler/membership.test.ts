/**
 * Cluster membership planning (lib/reconciler/plan/membership.ts): which pod a
 * node belongs to across pod recreation, stale nodes of replaced pods, nodes
 * no pod should hold, and when removing a node is unsafe.
 */
import { Member, PodView, leavingPods, members, removalRefusal, staleNodes, surplusNodes } from '../../../lib/reconciler/plan/membership';
import { podOrdinal } from '../../../lib/reconciler/runtime/config';
import { Bdb, ReNode } from '../../../lib/reconciler/io/re-types';

const ordinalOf = (pod: string) => podOrdinal(pod, 'rec');
const GIB = 2 ** 30;

function member(uid: number, pod: string | undefined, active = true, shardUids: number[] = []): Member {
  return { uid, addr: `10.0.0.${uid}`, active, ...(pod ? { pod } : {}), shardUids };
}
const pod = (name: string, ip?: string, terminating = false): PodView => ({ name, ...(ip ? { ip } : {}), terminating });

describe('members: the pod of each node', () => {
  const nodes: ReNode[] = [
    { uid: 1, addr: '10.0.0.1', status: 'active' },
    { uid: 2, addr: '10.0.0.2', status: 'down', shard_list: [7] },
    { uid: 3, addr: '10.0.0.3', status: 'active' },
  ];

  it('prefers the reported hostname (the pod name), then the live pod at the address, then the last status record', () => {
    const got = members({
      nodes,
      hostnames: new Map([[1, 'rec-0'], [2, 'some-host']]),
      pods: [pod('rec-0', '10.0.0.9'), pod('rec-2', '10.0.0.3')],
      previous: [{ uid: 2, addr: '10.0.0.2', pod: 'rec-1' }],
      podPrefix: 'rec-',
    });
    expect(got.map((m) => [m.uid, m.pod, m.active])).toEqual([[1, 'rec-0', true], [2, 'rec-1', false], [3, 'rec-2', true]]);
    expect(got[1].shardUids).toEqual([7]);
  });

  it('leaves the pod unknown when nothing says it', () => {
    const got = members({ nodes: [nodes[0]], hostnames: new Map(), pods: [], previous: [], podPrefix: 'rec-' });
    expect(got[0].pod).toBeUndefined();
  });
});

describe('stale and surplus nodes', () => {
  it('a down node whose pod has a newer active node is stale; a down node alone (a crash) is not', () => {
    const all = [member(1, 'rec-0'), member(2, 'rec-1', false), member(3, 'rec-2', false), member(4, 'rec-1')];
    expect(staleNodes(all).map((s) => [s.stale.uid, s.replacement.uid])).toEqual([[2, 4]]);
  });

  it('nodes of pods at or above the declared count whose pod is gone, highest ordinal first; a live leaving pod is left to its preStop', () => {
    const all = [member(1, 'rec-0'), member(2, 'rec-1'), member(3, 'rec-2'), member(4, 'rec-3', false), member(5, 'rec-4', false)];
    const pods = [pod('rec-0'), pod('rec-1'), pod('rec-2'), pod('rec-4', undefined, true)];
    expect(surplusNodes(all, pods, 3, ordinalOf).map((m) => m.uid)).toEqual([4]);
    expect(surplusNodes(all, pods.slice(0, 3), 3, ordinalOf).map((m) => m.uid)).toEqual([5, 4]);
    expect(surplusNodes(all, pods, 5, ordinalOf)).toEqual([]);
    expect(leavingPods(pods, 3, ordinalOf).map((p) => p.name)).toEqual(['rec-4']);
  });
});

describe('removalRefusal', () => {
  const replicated: Bdb = { name: 'cache', replication: true, memory_size: GIB, shard_list: [1, 2] };
  const single: Bdb = { name: 'solo', replication: false, memory_size: GIB, shard_list: [9] };

  it('allows removing one of five active nodes', () => {
    const all = [1, 2, 3, 4, 5].map((u) => member(u, `rec-${u - 1}`));
    expect(removalRefusal(5, { members: all, bdbs: [replicated, single], nodeMemoryBytes: 4 * GIB })).toBeUndefined();
  });

  it('refuses when the remaining nodes would not keep a majority active', () => {
    const all = [member(1, 'rec-0'), member(2, 'rec-1'), member(3, 'rec-2', false), member(4, 'rec-3', false)];
    expect(removalRefusal(2, { members: all, bdbs: [], nodeMemoryBytes: 0 })).toMatch(/1 of 3 nodes active, fewer than the majority of 2/);
    // Removing a down node helps the quorum of the rest: 2 of 3 active.
    expect(removalRefusal(4, { members: all, bdbs: [], nodeMemoryBytes: 0 })).toBeUndefined();
  });

  it('refuses when a replicated database would lose its replica', () => {
    const two = [member(1, 'rec-0'), member(2, 'rec-1')];
    expect(removalRefusal(2, { members: two, bdbs: [replicated], nodeMemoryBytes: 0 })).toMatch(/database cache would lose its replica/);
  });

  it('refuses removing a down node that holds the only copy of a database without replication', () => {
    const all = [member(1, 'rec-0'), member(2, 'rec-1', false, [9]), member(3, 'rec-2'), member(4, 'rec-1')];
    expect(removalRefusal(2, { members: all, bdbs: [single], nodeMemoryBytes: 0 })).toMatch(/database solo has no replication and shards only on the down node 2/);
    const elsewhere = { ...single, shard_list: [10] };
    expect(removalRefusal(2, { members: all, bdbs: [elsewhere], nodeMemoryBytes: 0 })).toBeUndefined();
  });

  it('refuses when the databases (replicas counted) do not fit the remaining nodes', () => {
    const all = [1, 2, 3, 4].map((u) => member(u, `rec-${u - 1}`));
    const big: Bdb = { name: 'big', replication: true, memory_size: 4 * GIB };
    expect(removalRefusal(4, { members: all, bdbs: [big], nodeMemoryBytes: 2 * GIB })).toMatch(/need 8589934592 bytes .* 3 nodes of 2147483648 bytes/);
    expect(removalRefusal(4, { members: all, bdbs: [big], nodeMemoryBytes: 3 * GIB })).toBeUndefined();
  });
});
