/**
 * The quorum recovery guard and steps (plan/quorum-recovery.ts): never a
 * recovery while a pod is missing, terminating, without its own claim or
 * silent, or while any node reports a cluster that answers; reset of the
 * nodes that still hold the failed cluster first; the recovery itself once
 * every node is fresh.
 */
import { Pod } from '../../../lib/reconciler/io/kube-types';
import { NODE_STATE_LABEL, decideRecovery, inRecoveryContext, recoveryFilename, recoveryTarget } from '../../../lib/reconciler/plan/quorum-recovery';
import { synthesize } from './support/desired';
import { StatusDocument } from '../../../lib/reconciler/plan/status';

const DECLARED = ['rec-0', 'rec-1', 'rec-2'];

function pod(name: string, state?: string, extra: { phase?: string; terminating?: boolean; claim?: string | null } = {}): Pod {
  const claim = extra.claim === undefined ? `redis-enterprise-storage-${name}` : extra.claim;
  return {
    metadata: {
      name, uid: `uid-${name}`, labels: state ? { [NODE_STATE_LABEL]: state } : {},
      ...(extra.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { volumes: claim ? [{ name: 'redis-enterprise-storage', persistentVolumeClaim: { claimName: claim } }] : [] },
    status: { phase: extra.phase ?? 'Running' },
  };
}

const decide = (pods: Pod[], recoveringPod?: string) => decideRecovery({ declaredPods: DECLARED, pods, leaderPod: 'rec-0', recoveringPod });

describe('quorum recovery decisions', () => {
  test('blocks while a declared pod is missing, terminating, not running, without its claim or silent', () => {
    expect(decide([pod('rec-0', 'no-quorum'), pod('rec-1', 'idle')])).toEqual({ action: 'block', reason: 'waiting for pod rec-2 to be back' });
    expect(decide([pod('rec-0', 'idle'), pod('rec-1', 'idle'), pod('rec-2', 'idle', { terminating: true })]).action).toBe('block');
    expect(decide([pod('rec-0', 'idle'), pod('rec-1', 'idle'), pod('rec-2', 'idle', { phase: 'Pending' })])).toEqual({ action: 'block', reason: 'waiting for pod rec-2 to run (Pending)' });
    expect(decide([pod('rec-0', 'idle'), pod('rec-1', 'idle', { claim: 'some-other-claim' }), pod('rec-2', 'idle')]))
      .toEqual({ action: 'block', reason: 'pod rec-1 does not mount its claim redis-enterprise-storage-rec-1: no cluster configuration to recover from' });
    expect(decide([pod('rec-0', 'idle'), pod('rec-1'), pod('rec-2', 'idle')])).toEqual({ action: 'block', reason: 'waiting for pod rec-1 to report its node' });
  });

  test('never recovers while a node reports a cluster that answers (a majority may live elsewhere)', () => {
    const d = decide([pod('rec-0', 'idle'), pod('rec-1', 'member'), pod('rec-2', 'no-quorum')]);
    expect(d).toEqual({ action: 'block', reason: 'the node of pod rec-1 reports a cluster that answers: not recovering (a majority may be live elsewhere)' });
  });

  test('restarts the nodes that still hold the failed cluster, then recovers once every node is fresh', () => {
    expect(decide([pod('rec-0', 'no-quorum'), pod('rec-1', 'idle'), pod('rec-2', 'idle')])).toEqual({ action: 'reset', pods: [{ name: 'rec-0', uid: 'uid-rec-0' }] });
    expect(decide([pod('rec-0', 'idle'), pod('rec-1', 'idle'), pod('rec-2', 'idle')])).toEqual({ action: 'recover' });
  });

  test('a recovery that ran on a pod is waited for, by any leader, and never started twice', () => {
    const recovered = [pod('rec-0', 'idle'), pod('rec-1', 'member'), pod('rec-2', 'idle')];
    expect(decide(recovered, 'rec-1')).toEqual({ action: 'wait', reason: 'cluster recovered on rec-1: waiting for the other nodes to rejoin' });
    expect(decide([pod('rec-0', 'idle'), pod('rec-1', 'recovering'), pod('rec-2', 'idle')])).toEqual({ action: 'wait', reason: 'a recovery runs on pod rec-1' });
  });

  test('the recovery context and the configuration file path', () => {
    const doc = (clusterState: string, operations?: StatusDocument['operations']): StatusDocument =>
      ({ schemaVersion: 1, clusterState, desiredState: { valid: true }, nodes: [], databases: [], activeActiveDatabases: [], ...(operations ? { operations } : {}) });
    expect(inRecoveryContext(doc('QuorumLost'))).toBe(true);
    expect(inRecoveryContext(doc('Recovering'))).toBe(true);
    expect(inRecoveryContext(doc('Running'))).toBe(false);
    expect(inRecoveryContext(doc('Running', [{ kind: 'QuorumRecovery', phase: 'Succeeded', target: 't', message: 'm', startedAt: 'x', endedAt: 'y' }]))).toBe(false);
    expect(inRecoveryContext(doc('Running', [{ kind: 'QuorumRecovery', phase: 'Running', target: 't', message: 'm', startedAt: 'x' }]))).toBe(true);
    expect(recoveryFilename('/var/opt/redislabs/persist/')).toBe('/var/opt/redislabs/persist/ccs/ccs-redis.rdb');
  });

  test('recoveryGeneration reaches the desired state only when raised, and a raised one is a new run (a new target)', () => {
    expect(synthesize({}).state.cluster.recoveryGeneration).toBeUndefined();
    expect(synthesize({ cluster: { recoveryGeneration: 0 } }).state.cluster.recoveryGeneration).toBeUndefined();
    expect(synthesize({ cluster: { recoveryGeneration: 2 } }).state.cluster.recoveryGeneration).toBe(2);
    expect(recoveryTarget('rec', 3)).toBe('cluster rec (3 nodes)');
    expect(recoveryTarget('rec', 3, 2)).toBe('cluster rec (3 nodes, recovery generation 2)');
  });
});
