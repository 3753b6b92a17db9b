/**
 * Password lists, as Redis Software keeps them since multiple passwords came
 * ("Rotate passwords"): a user, and a database's default user, may hold
 * several valid passwords at once; authentication accepts any of them.
 * Only SHA-256 digests are kept (nothing to leak in a dump of the double),
 * and every change is recorded by kind and time, never by value, so a test
 * can check the order of a rotation (add before delete).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

export type PasswordChangeKind = 'add' | 'delete' | 'replace';

export interface PasswordChange {
  readonly kind: PasswordChangeKind;
  /** Registry clock, ms. */
  readonly at: number;
  /** How many passwords are valid after the change. */
  readonly count: number;
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * The documented error answers of `/v1/users/password` are 400 with these
 * codes; `/v1/bdbs/{uid}/passwords` documents only 406 "invalid configuration
 * parameters" (the codes there are the double's choice).
 */
export interface PasswordErrors {
  readonly status: number;
  readonly sameAsCurrent: string;
  readonly lastPassword: string;
  readonly unknownPassword: string;
}

export const USER_PASSWORD_ERRORS: PasswordErrors = {
  status: 400,
  sameAsCurrent: 'new_password_same_as_current',
  lastPassword: 'cannot_delete_last_password',
  // Not documented: what deleting a password the user does not have answers.
  unknownPassword: 'password_not_found',
};

export const BDB_PASSWORD_ERRORS: PasswordErrors = {
  status: 406,
  sameAsCurrent: 'password_already_exists',
  lastPassword: 'cannot_delete_last_password',
  unknownPassword: 'password_not_found',
};

export class PasswordList {
  private digests: Buffer[];
  readonly changes: PasswordChange[] = [];

  constructor(initial: readonly string[], private readonly now: () => number, private readonly errors: PasswordErrors) {
    this.digests = initial.map(digest);
  }

  get count(): number {
    return this.digests.length;
  }

  accepts(password: string): boolean {
    const d = digest(password);
    // Every entry is compared, so the time taken does not tell which one matched.
    return this.digests.reduce((found, x) => timingSafeEqual(x, d) || found, false);
  }

  /** POST: "The new password cannot already exist as a password for the user". */
  add(password: string): void {
    if (this.accepts(password)) throw this.refuse(this.errors.sameAsCurrent, 'the given new password is identical to one of the existing passwords');
    this.digests.push(digest(password));
    this.record('add');
  }

  /** DELETE: the last password cannot be deleted ("If there is only one valid password ..."). */
  delete(password: string): void {
    const d = digest(password);
    const i = this.digests.findIndex((x) => timingSafeEqual(x, d));
    if (i < 0) throw this.refuse(this.errors.unknownPassword, 'the given password is not one of the existing passwords');
    if (this.digests.length === 1) throw this.refuse(this.errors.lastPassword, 'cannot delete the last password');
    this.digests.splice(i, 1);
    this.record('delete');
  }

  /** PUT: the list becomes this single password. `refuseExisting`: the users endpoint refuses one that already exists. */
  replace(password: string, refuseExisting: boolean): void {
    if (refuseExisting && this.accepts(password)) {
      throw this.refuse(this.errors.sameAsCurrent, 'the given new password is identical to one of the existing passwords');
    }
    this.digests = [digest(password)];
    this.record('replace');
  }

  private record(kind: PasswordChangeKind): void {
    this.changes.push({ kind, at: this.now(), count: this.digests.length });
  }

  private refuse(code: string, description: string): ApiError {
    return new ApiError(this.errors.status, code, description);
  }
}
