/**
 * Lease-based leader election decisions (pure; `leader.ts` runs the loop).
 *
 * Like client-go, expiry is judged by when THIS process last saw the Lease
 * record change, not by the renewTime written by another process: clocks of
 * different nodes may disagree, the local monotonic clock does not.
 */
import { Lease, LeaseSpec } from '../io/kube-types';

/** What this process last saw of the Lease record, and when (local clock, ms). */
export interface Observation {
  record: string;
  atMs: number;
}

export type LeaseAction = 'create' | 'renew' | 'acquire' | 'follow';

export interface LeaseDecision {
  action: LeaseAction;
  /** The spec to write for create/renew/acquire. */
  spec?: LeaseSpec;
  isLeader: boolean;
  holder?: string;
  observation: Observation;
}

/** MicroTime as the API server parses it: RFC 3339 with exactly six fraction digits. */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function recordKey(spec: LeaseSpec | undefined): string {
  return JSON.stringify([spec?.holderIdentity ?? '', spec?.renewTime ?? '', spec?.leaseTransitions ?? 0]);
}

/**
 * Decides the next step for `identity`.
 * @param wallMs wall-clock time, only written into the record
 * @param monoMs a monotonic clock, used for expiry
 */
export function decideLease(
  lease: Lease | undefined,
  identity: string,
  durationSeconds: number,
  wallMs: number,
  monoMs: number,
  previous: Observation | undefined,
): LeaseDecision {
  const now = microTime(wallMs);
  if (!lease) {
    return {
      action: 'create',
      isLeader: true,
      holder: identity,
      spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
      observation: { record: '', atMs: monoMs },
    };
  }
  const spec = lease.spec ?? {};
  const record = recordKey(spec);
  const observation = previous && previous.record === record ? previous : { record, atMs: monoMs };
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) {
    return { action: 'renew', isLeader: true, holder, spec: { ...spec, leaseDurationSeconds: durationSeconds, renewTime: now }, observation };
  }
  const heldFor = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
  const expired = holder === '' || monoMs - observation.atMs >= heldFor;
  if (expired) {
    return {
      action: 'acquire',
      isLeader: true,
      holder: identity,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
      },
      observation,
    };
  }
  return { action: 'follow', isLeader: false, holder, observation };
}

/** The spec that hands the Lease back on graceful shutdown, so a follower takes over at once. */
export function releasedSpec(spec: LeaseSpec | undefined, wallMs: number): LeaseSpec {
  return { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(wallMs) };
}
