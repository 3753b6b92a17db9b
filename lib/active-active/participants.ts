import { Construct } from 'constructs';
import { wrongReference } from '../validation/props-shape';
import { addFindingsValidation } from '../validation/register';
import { RedisEnterpriseRemoteCluster } from './remote-cluster';

/**
 * The entries of `participants` an Active-Active database can use:
 * RedisEnterpriseRemoteClusters that refer to a cluster. Anything else (a
 * JavaScript caller's `null`, a cluster passed directly, a non-list) is a
 * REPROP004 finding instead of a TypeError later. `given` is how many
 * entries were listed, for the participant count (REAADB001).
 */
export function usableParticipants(db: Construct, raw: unknown): { usable: RedisEnterpriseRemoteCluster[]; given: number } {
  if (raw === undefined) return { usable: [], given: 0 }; // REAADB001 reports too few participants
  if (!Array.isArray(raw)) {
    addFindingsValidation(db, 'the participants', () => [wrongReference('participants', raw, 'a list of RedisEnterpriseRemoteCluster')]);
    return { usable: [], given: 2 }; // not a count problem: REAADB001 would only repeat this finding
  }
  const wrong = raw.map((p, i) => [p, i] as const).filter(([p]) => !(p instanceof RedisEnterpriseRemoteCluster));
  if (wrong.length > 0) {
    addFindingsValidation(db, 'the participants', () => wrong.map(([p, i]) => wrongReference(`participants[${i}]`, p, 'a RedisEnterpriseRemoteCluster')));
  }
  // A remote cluster without a usable cluster reports REPROP004 itself.
  return { usable: raw.filter((p): p is RedisEnterpriseRemoteCluster => p instanceof RedisEnterpriseRemoteCluster && p._isUsable), given: raw.length };
}
