/**
 * The cluster's users as far as authentication goes: the admin user created
 * at bootstrap (`credentials`), with its password list (passwords.ts). The
 * double has no other users and no `/v1/users` objects; `/v1/users/password`
 * acts on the authenticated user, or on `username` when given (the "Rotate
 * passwords" page: "Admins can rotate passwords for any user").
 */
import { notFound } from './errors';
import { PasswordList, USER_PASSWORD_ERRORS } from './passwords';
import type { Credentials } from './types';

export class UserStore {
  private readonly users = new Map<string, PasswordList>();

  constructor(admin: Credentials, now: () => number) {
    this.users.set(admin.username, new PasswordList([admin.password], now, USER_PASSWORD_ERRORS));
  }

  /** Basic auth: the username exists and the password is one of its passwords. */
  authenticate(username: string, password: string): boolean {
    return this.users.get(username)?.accepts(password) ?? false;
  }

  /** The password list of a user (404 when there is none; the code is the double's). */
  passwords(username: string): PasswordList {
    const list = this.users.get(username);
    if (!list) throw notFound(`user ${username}`);
    return list;
  }

  /** Test introspection: how many passwords the user has (0 for an unknown user). */
  passwordCount(username: string): number {
    return this.users.get(username)?.count ?? 0;
  }
}
