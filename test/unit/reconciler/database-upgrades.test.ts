/**
 * The database upgrade planner (plan/database-upgrades.ts) and the create
 * body's `redis_version`: pure functions, on desired states synthesized from
 * constructs.
 */
import { planVersionChanges, targetReached } from '../../../lib/reconciler/plan/database-upgrades';
import { NO_REFERENCES, createBdbBody, desiredBdbFields } from '../../../lib/reconciler/plan/bdb-spec';
import { diffBdb } from '../../../lib/reconciler/plan/bdb-diff';
import { Bdb } from '../../../lib/reconciler/io/re-types';
import { desiredState } from './support/desired';

const state = desiredState('rec', 'redis', 3, [
  { name: 'a', redisVersion: '8.0' }, { name: 'b', redisVersion: '7.4' }, { name: 'c' }, { name: 'd', redisVersion: '8.2' }, { name: 'e', redisVersion: '8.2' },
]);
const bdb = (name: string, uid: number, redis_version: string | undefined, status = 'active'): Bdb => ({ name, uid, status, ...(redis_version ? { redis_version } : {}) });

describe('database upgrade planning', () => {
  test('older live versions are upgrades, newer ones downgrades; equal, undeclared, unreported and busy ones are left alone', () => {
    const plan = planVersionChanges(state.databases, [
      bdb('a', 1, '7.4.2'), bdb('b', 2, '8.0'), bdb('c', 3, '7.2'), bdb('d', 4, undefined), bdb('e', 5, '7.4', 'active-change-pending'),
    ]);
    expect(plan.upgrades).toEqual([{ database: 'a', uid: 1, from: '7.4', to: '8.0', target: 'a redis 7.4 -> 8.0' }]);
    expect(plan.downgrades.map((d) => d.target)).toEqual(['b redis 8.0 -> 7.4']);
  });

  test('upgrades come in the desired state\'s name order', () => {
    const plan = planVersionChanges(state.databases, [bdb('e', 5, '8.0'), bdb('a', 1, '7.2'), bdb('d', 4, '8.0')]);
    expect(plan.upgrades.map((u) => u.database)).toEqual(['a', 'd', 'e']);
  });

  test('Active-Active declarations compare with the local CRDT database and carry its CRDB guid; plain ones never match it', () => {
    const live = [{ ...bdb('a', 1, '7.4'), crdt: true, crdt_guid: 'g-1' }];
    expect(planVersionChanges(state.databases, live).upgrades).toEqual([]);
    expect(planVersionChanges(state.databases, live, true).upgrades).toEqual([
      { database: 'a', uid: 1, from: '7.4', to: '8.0', target: 'a redis 7.4 -> 8.0', crdbGuid: 'g-1' },
    ]);
  });

  test('a target is reached when its database runs the target version', () => {
    expect(targetReached('a redis 7.4 -> 8.0', [bdb('a', 1, '8.0')])).toBe('a');
    expect(targetReached('a redis 7.4 -> 8.0', [bdb('a', 1, '7.4')])).toBeUndefined();
    expect(targetReached('a redis 7.4 -> 8.0', [])).toBeUndefined();
  });

  test('redis_version is sent at create only: never among the compared fields, so a live version difference writes nothing', () => {
    const a = state.databases.find((d) => d.name === 'a')!;
    expect(createBdbBody(a, 'redis', NO_REFERENCES, { password: 'x' }).redis_version).toBe('8.0');
    expect('redis_version' in createBdbBody(state.databases.find((d) => d.name === 'c')!, 'redis', NO_REFERENCES, undefined)).toBe(false);
    const fields = desiredBdbFields(a, 'redis', NO_REFERENCES);
    expect('redis_version' in fields).toBe(false);
    const live = { ...(fields as unknown as Bdb), uid: 1, redis_version: '7.4' };
    expect(diffBdb(fields, live).update).toBeUndefined();
  });
});
