/**
 * `/v1/users/password` ("User password requests"): POST adds `new_password`,
 * DELETE removes `old_password`, PUT replaces the list with `new_password`,
 * for the authenticated user or for `username` when the body names one (the
 * latest request page and the "Rotate passwords" page document it as
 * optional). Answers are 200 with an empty body (the docs give only status
 * codes); errors are 400 with the documented codes.
 */
import { schemaError } from './errors';
import { Route, RouteContext, objectBody, ok } from './router';
import type { ApiDoubleCluster } from './cluster-state';
import type { PasswordList } from './passwords';

function target(ctx: RouteContext, c: ApiDoubleCluster): { list: PasswordList; body: Record<string, unknown> } {
  const body = objectBody(ctx);
  if (body.username !== undefined && typeof body.username !== 'string') throw schemaError('username must be a string');
  const username = (body.username as string | undefined) ?? ctx.authenticatedUser;
  if (!username) throw schemaError('no user to act on');
  return { list: c.users.passwords(username), body };
}

function passwordField(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  // Documented as required; 400 "Bad or missing parameters".
  if (typeof v !== 'string' || v === '') throw schemaError(`${field} must be a non-empty string`);
  return v;
}

export const userRoutes: Route[] = [
  {
    method: 'POST', pattern: /^\/v1\/users\/password$/, access: 'cluster',
    handle: (ctx, c) => {
      const { list, body } = target(ctx, c);
      list.add(passwordField(body, 'new_password'));
      return ok();
    },
  },
  {
    method: 'DELETE', pattern: /^\/v1\/users\/password$/, access: 'cluster',
    handle: (ctx, c) => {
      const { list, body } = target(ctx, c);
      list.delete(passwordField(body, 'old_password'));
      return ok();
    },
  },
  {
    method: 'PUT', pattern: /^\/v1\/users\/password$/, access: 'cluster',
    handle: (ctx, c) => {
      const { list, body } = target(ctx, c);
      // Documented for PUT too: new_password_same_as_current.
      list.replace(passwordField(body, 'new_password'), true);
      return ok();
    },
  },
];
