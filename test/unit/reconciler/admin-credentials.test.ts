/**
 * The admin credentials a sidecar keeps in memory across a rotation
 * (runtime/admin-credentials.ts) and the pod reports the leader waits on
 * (plan/admin-credentials.ts). Pure: no Kubernetes, no REST.
 */
import { AdminCredentialKeeper } from '../../../lib/reconciler/runtime/admin-credentials';
import { ADMIN_CREDENTIALS_VERSION_ANNOTATION, podsNotOn, rotationInProgress } from '../../../lib/reconciler/plan/admin-credentials';
import { Pod } from '../../../lib/reconciler/io/kube-types';

const OLD = { credentials: { username: 'admin@example.com', password: 'old-pass' }, version: '10' };
const NEW = { credentials: { username: 'admin@example.com', password: 'new-pass' }, version: '20' };

describe('AdminCredentialKeeper', () => {
  it('keeps the credentials that work until the status lists the Secret version as accepted', () => {
    const k = new AdminCredentialKeeper();
    k.observe(OLD, undefined);
    expect(k.current).toBe(OLD.credentials);
    expect(k.confirmedVersion).toBeUndefined();
    k.answered(k.current!, 200);
    expect(k.confirmedVersion).toBe('10');

    k.observe(NEW, { acceptedVersions: ['10'] });
    expect([k.current, k.pending]).toEqual([OLD.credentials, NEW]);
    k.observe(NEW, { acceptedVersions: ['10', '20'] });
    expect([k.current, k.pending, k.version]).toEqual([NEW.credentials, undefined, '20']);
    expect(k.previous('10')).toEqual(OLD);
    k.answered(k.current!, 200);
    expect(k.confirmedVersion).toBe('20');
    k.forgetPrevious();
    expect(k.previous('10')).toBeUndefined();
  });

  it('goes back to what worked when the cluster refuses a switch (401), and ignores answers to credentials it no longer uses', () => {
    const k = new AdminCredentialKeeper();
    k.observe(OLD, undefined);
    const sentOld = k.current!;
    k.answered(sentOld, 200);
    k.observe(NEW, { acceptedVersions: ['10', '20'] });
    k.answered(sentOld, 401);
    expect(k.current).toBe(NEW.credentials);
    k.answered(k.current!, 401);
    expect([k.current, k.confirmedVersion]).toEqual([OLD.credentials, '10']);
  });

  it('treats a new resourceVersion with the same value as no rotation, and a fresh process uses the Secret as it is', () => {
    const k = new AdminCredentialKeeper();
    k.observe(OLD, undefined);
    k.observe({ ...OLD, credentials: { ...OLD.credentials }, version: '11' }, { acceptedVersions: ['10'] });
    expect([k.pending, k.version]).toEqual([undefined, '11']);
    const fresh = new AdminCredentialKeeper();
    fresh.observe(NEW, { acceptedVersions: ['10', '20'] });
    expect(fresh.current).toBe(NEW.credentials);
    expect(fresh.previous('10')).toBeUndefined();
  });

  it('knows when sending can only be refused: a password never confirmed whose version the cluster does not accept (a missed Secret version)', () => {
    const k = new AdminCredentialKeeper();
    // Restarted after the Secret changed to NEW; the previous password was put back (rv 30) and changed to NEW again (rv 40) while it was not looking.
    k.observe(NEW, { acceptedVersions: ['10'] });
    // Not yet: the value may be the accepted one under a newer resourceVersion.
    expect(k.refusedBy({ acceptedVersions: ['10'] })).toBe(false);
    k.answered(k.current!, 401);
    expect(k.refusedBy({ acceptedVersions: ['10'] })).toBe(true);
    k.observe({ ...NEW, credentials: { ...NEW.credentials }, version: '40' }, { acceptedVersions: ['30'] });
    expect([k.current, k.refusedBy({ acceptedVersions: ['30'] })]).toEqual([NEW.credentials, true]);
    // The leader added it: the version is accepted, so sending may succeed.
    expect(k.refusedBy({ acceptedVersions: ['30', '40'] })).toBe(false);
    expect(k.refusedBy(undefined)).toBe(false);
    // Another value in the Secret is worth a try again.
    k.observe({ ...OLD, version: '50' }, { acceptedVersions: ['30'] });
    expect(k.refusedBy({ acceptedVersions: ['30'] })).toBe(false);
    // Once an answer proved them, nothing is refused any more.
    const confirmed = new AdminCredentialKeeper();
    confirmed.observe(OLD, undefined);
    confirmed.answered(confirmed.current!, 200);
    expect(confirmed.refusedBy({ acceptedVersions: ['99'] })).toBe(false);
  });
});

function pod(name: string, version?: string, phase = 'Running'): Pod {
  return { metadata: { name, annotations: version ? { [ADMIN_CREDENTIALS_VERSION_ANNOTATION]: version } : {} }, status: { phase } };
}

describe('rotation facts', () => {
  it('waits for running pods only, sorted by name', () => {
    expect(podsNotOn([pod('rec-2'), pod('rec-0', '20'), pod('rec-1', '10'), pod('rec-3', undefined, 'Pending')], '20')).toEqual(['rec-1', 'rec-2']);
    expect(rotationInProgress({ acceptedVersions: ['10'] })).toBe(false);
    expect(rotationInProgress({ acceptedVersions: ['10', '20'] })).toBe(true);
  });
});
