/**
 * The REST double's password lists: `/v1/users/password` (the admin user's
 * passwords) and `/v1/bdbs/{uid}/passwords` (a database's default user), as
 * the "User password requests", "Database password requests" and "Rotate
 * passwords" pages document them. HTTPS to 127.0.0.1 only.
 */
import { bdbPasswords } from '../support/redis-enterprise-api-double';
import { ADMIN, MIB, call, formCluster, running } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

describe('admin user passwords (/v1/users/password)', () => {
  test('add keeps the old password valid, delete removes it, the last one cannot go, a duplicate is refused', async () => {
    const { nodes, cluster } = await formCluster(2);
    const [a, b] = nodes.map((n) => n.api);
    const next = { ...ADMIN, password: 'next-password-1' };
    expect((await call(a, 'POST', '/v1/users/password', { body: { new_password: next.password } })).status).toBe(200);
    // Both authenticate, on every node.
    expect((await call(b, 'GET', '/v1/cluster')).status).toBe(200);
    expect((await call(b, 'GET', '/v1/cluster', { auth: next })).status).toBe(200);
    expect(cluster.users.passwordCount(ADMIN.username)).toBe(2);

    const dup = await call(a, 'POST', '/v1/users/password', { auth: next, body: { new_password: ADMIN.password } });
    expect([dup.status, dup.body.error_code]).toEqual([400, 'new_password_same_as_current']);
    const missing = await call(a, 'POST', '/v1/users/password', { body: {} });
    expect(missing.status).toBe(400);

    // Delete the old one, authenticated with the new one.
    expect((await call(a, 'DELETE', '/v1/users/password', { auth: next, body: { old_password: ADMIN.password } })).status).toBe(200);
    expect((await call(a, 'GET', '/v1/cluster')).status).toBe(401);
    expect((await call(a, 'GET', '/v1/cluster', { auth: next })).status).toBe(200);
    const last = await call(a, 'DELETE', '/v1/users/password', { auth: next, body: { old_password: next.password } });
    expect([last.status, last.body.error_code]).toEqual([400, 'cannot_delete_last_password']);
    expect(cluster.users.passwords(ADMIN.username).changes.map((c) => [c.kind, c.count])).toEqual([['add', 2], ['delete', 1]]);
  });

  test('PUT replaces the whole list with one password (never one that exists); username targets a user; no value is logged', async () => {
    const { nodes, cluster, registry } = await formCluster(1);
    const api = nodes[0].api;
    await call(api, 'POST', '/v1/users/password', { body: { new_password: 'second-pass' } });
    const same = await call(api, 'PUT', '/v1/users/password', { body: { new_password: 'second-pass' } });
    expect([same.status, same.body.error_code]).toEqual([400, 'new_password_same_as_current']);
    expect((await call(api, 'PUT', '/v1/users/password', { body: { username: ADMIN.username, new_password: 'only-pass' } })).status).toBe(200);
    expect(cluster.users.passwordCount(ADMIN.username)).toBe(1);
    expect((await call(api, 'GET', '/v1/cluster', { auth: { ...ADMIN, password: 'second-pass' } })).status).toBe(401);
    expect((await call(api, 'GET', '/v1/cluster', { auth: { ...ADMIN, password: 'only-pass' } })).status).toBe(200);
    expect((await call(api, 'POST', '/v1/users/password', { auth: { ...ADMIN, password: 'only-pass' }, body: { username: 'nobody', new_password: 'x-pass' } })).status).toBe(404);
    const dump = JSON.stringify(registry.requestLog.entries());
    for (const v of ['second-pass', 'only-pass']) expect(dump).not.toContain(v);
  });
});

describe('database passwords (/v1/bdbs/{uid}/passwords)', () => {
  test('POST adds beside the create-time password, DELETE removes one, PUT leaves a single one', async () => {
    const { nodes, cluster, clock } = await formCluster(2);
    const api = nodes[0].api;
    const created = await call(api, 'POST', '/v1/bdbs', { body: { name: 'cache', memory_size: 100 * MIB, port: 12000, authentication_redis_pass: 'first' } });
    expect(created.status).toBe(200);
    clock.advance(60);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.status).toBe('active');
    const list = () => bdbPasswords(cluster, cluster.bdbs.get(1)!);
    expect(list().accepts('first')).toBe(true);

    expect((await call(api, 'POST', '/v1/bdbs/1/passwords', { body: { password: 'second' } })).status).toBe(200);
    expect([list().accepts('first'), list().accepts('second')]).toEqual([true, true]);
    expect((await call(api, 'POST', '/v1/bdbs/1/passwords', { body: { password: 'second' } })).status).toBe(406);
    expect((await call(api, 'DELETE', '/v1/bdbs/1/passwords', { body: { password: 'first' } })).status).toBe(200);
    expect([list().accepts('first'), list().accepts('second')]).toEqual([false, true]);
    expect((await call(api, 'POST', '/v1/bdbs/1/passwords', { body: { password: 'third' } })).status).toBe(200);
    expect((await call(api, 'PUT', '/v1/bdbs/1/passwords', { body: { password: 'third' } })).status).toBe(200);
    expect([list().count, list().accepts('third')]).toEqual([1, true]);
    expect(list().changes.map((c) => c.kind)).toEqual(['add', 'delete', 'add', 'replace']);
    expect((await call(api, 'POST', '/v1/bdbs/9/passwords', { body: { password: 'x' } })).status).toBe(404);
    expect((await call(api, 'POST', '/v1/bdbs/1/passwords', { body: { password: '' } })).status).toBe(400);
  });
});
