/**
 * The admin credentials one sidecar authenticates with, kept in memory so
 * that a changed Secret never leaves it unauthenticated: it keeps the last
 * credentials that worked until the cluster accepts the Secret's new ones
 * (the status document lists their version, plan/admin-credentials.ts), and
 * the ones it used before a switch until the rotation ended (the leader
 * deletes that password with it). The REST client reads `current` for every
 * request and reports each answer back (`answered`), which is how a switch
 * is confirmed, or undone on a 401.
 *
 * Values live only here: never logged, never written anywhere.
 */
import { AdminCredentials } from '../duties/secret-duty';
import { AdminCredentialsStatus, VersionedCredentials } from '../plan/admin-credentials';

export type { VersionedCredentials };

export function sameCredentials(a: AdminCredentials, b: AdminCredentials): boolean {
  return a.username === b.username && a.password === b.password;
}

export class AdminCredentialKeeper {
  private working?: VersionedCredentials;
  /** An authenticated answer other than 401 came back for `working`. */
  private confirmed = false;
  /** What `working` replaced, until the rotation that replaced it ended (more than one when the Secret changed again meanwhile). */
  private before: VersionedCredentials[] = [];
  /** The cluster answered 401 to `working`, never confirmed (cleared when the value changes). */
  private refused = false;
  /** The Secret's credentials, when they differ from `working` and the cluster does not accept them yet. */
  private waiting?: VersionedCredentials;

  /** What the REST client sends. */
  get current(): AdminCredentials | undefined {
    return this.working?.credentials;
  }

  get version(): string | undefined {
    return this.working?.version;
  }

  /** The version in use, once an answer proved it works. */
  get confirmedVersion(): string | undefined {
    return this.confirmed ? this.working?.version : undefined;
  }

  /** The Secret's credentials this sidecar does not use yet (the leader starts a rotation with them). */
  get pending(): VersionedCredentials | undefined {
    return this.waiting;
  }

  get inUse(): VersionedCredentials | undefined {
    return this.working;
  }

  /**
   * Sending can only be refused: the credentials in use were refused (401)
   * and never worked, nothing that worked is kept, and the cluster accepts
   * other versions only (a version alone proves nothing: a fresh process may
   * hold the accepted value under a newer resourceVersion). A
   * sidecar gets there when it restarted after the Secret changed, or when it
   * missed a Secret version (e.g. the previous password put back and changed
   * again while it was in a retry backoff); it waits for the leader to add
   * the password instead of collecting 401s.
   */
  refusedBy(status: AdminCredentialsStatus | undefined): boolean {
    if (!this.working || !this.refused || this.confirmed || this.before.length > 0) return false;
    const accepted = status?.acceptedVersions ?? [];
    return accepted.length > 0 && !accepted.includes(this.working.version);
  }

  /** The credentials used before a switch, if their version is `version`. */
  previous(version: string): VersionedCredentials | undefined {
    return this.before.find((b) => b.version === version);
  }

  /** Once per pass: what the Secret says now, and what the cluster accepts (the last status). */
  observe(secret: VersionedCredentials | undefined, status: AdminCredentialsStatus | undefined): void {
    this.waiting = undefined;
    if (!secret) return;
    // Nothing that worked to keep (a fresh process whose credentials were refused so far): follow the Secret.
    if (!this.working || (!this.confirmed && this.before.length === 0)) return this.use(secret);
    if (sameCredentials(secret.credentials, this.working.credentials)) {
      // Same value under a new resourceVersion (labels, an ExternalSecret refresh): nothing to rotate.
      this.working = { ...this.working, version: secret.version };
      return;
    }
    if (status?.acceptedVersions.includes(secret.version)) return this.switchTo(secret);
    this.waiting = secret;
  }

  /** Use `next` from now on, remembering what it replaces (the leader, once the cluster accepts `next`). */
  switchTo(next: VersionedCredentials): void {
    const replaced = this.working;
    if (replaced && !sameCredentials(replaced.credentials, next.credentials)) this.before = [...this.before.filter((b) => b.version !== replaced.version), replaced];
    this.use(next);
  }

  /** The rotation ended: the previous password is gone from the cluster, and from here. */
  forgetPrevious(): void {
    this.before = [];
  }

  /** Every authenticated answer, with the credentials that were sent. */
  answered(sent: AdminCredentials, status: number): void {
    if (!this.working || sent !== this.working.credentials) return;
    if (status === 401) {
      // A switch the cluster refuses after all: back to what worked.
      const last = this.before[this.before.length - 1];
      if (!this.confirmed && last) {
        this.working = last;
        this.before = this.before.slice(0, -1);
        this.confirmed = true;
      } else if (!this.confirmed) {
        this.refused = true;
      }
      return;
    }
    if (status >= 200 && status < 500) this.confirmed = true;
  }

  private use(next: VersionedCredentials): void {
    if (!this.working || !sameCredentials(this.working.credentials, next.credentials)) this.refused = false;
    this.working = next;
    this.confirmed = false;
  }
}
