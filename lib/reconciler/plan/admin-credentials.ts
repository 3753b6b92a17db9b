/**
 * Admin password rotation, the facts every sidecar agrees on (pure).
 *
 * The status document says which versions (resourceVersions) of the admin
 * credentials Secret hold a password Redis Enterprise accepts now: one at
 * rest, two while a rotation runs (old, new). A sidecar switches to the
 * Secret's credentials only once their version is listed, so it never sends
 * a password the cluster does not know yet. While a rotation runs, each
 * sidecar reports the version it authenticates with in an annotation on its
 * own pod (the version, never the value); the leader deletes the old
 * password only once every running pod reports the new one.
 */
import { Pod } from '../io/kube-types';

/** On the node pod: the admin Secret resourceVersion this pod's sidecar authenticates with. */
export const ADMIN_CREDENTIALS_VERSION_ANNOTATION = 'redis.io/admin-credentials-version';

/** Credentials read from the admin Secret, with the Secret's resourceVersion. */
export interface VersionedCredentials {
  readonly credentials: { readonly username: string; readonly password: string };
  readonly version: string;
}

export interface AdminCredentialsStatus {
  /**
   * Secret versions whose password the cluster accepts, oldest first: `[current]` at rest,
   * `[old, new]` while rotating (`[older, old, new]` when the Secret changed again meanwhile).
   */
  acceptedVersions: string[];
  /** A Secret version the leader will not apply (a changed username): sidecars stop waiting for it. */
  refusedVersion?: string;
}

export function rotationInProgress(status: AdminCredentialsStatus | undefined): boolean {
  return (status?.acceptedVersions.length ?? 0) > 1;
}

export function passwordTarget(secretName: string, from: string, to: string): string {
  return `admin password (Secret ${secretName} rv ${from} -> ${to})`;
}

export function usernameTarget(secretName: string, from: string, to: string): string {
  return `admin username (Secret ${secretName} rv ${from} -> ${to})`;
}

/** A pod whose sidecar may hold credentials: running and not being deleted (a pod yet to start reads the new Secret). */
function sidecarMayRun(p: Pod): boolean {
  return p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;
}

export function reportedVersion(pod: Pod | undefined): string | undefined {
  return pod?.metadata.annotations?.[ADMIN_CREDENTIALS_VERSION_ANNOTATION];
}

/** Names of the running pods that do not report `version` yet, sorted. */
export function podsNotOn(pods: readonly Pod[], version: string): string[] {
  return pods.filter((p) => sidecarMayRun(p) && reportedVersion(p) !== version).map((p) => p.metadata.name).sort();
}
