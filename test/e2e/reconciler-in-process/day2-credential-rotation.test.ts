/**
 * Day-2 operation: credential rotation without lockout, on the real control
 * plane with the reconcilers in-process and one REST API double per pod. The
 * user replaces the admin Secret's password (as they, or an ExternalSecret,
 * would): the leader adds the new password, waits for every sidecar, deletes
 * the old one; no sidecar is ever answered 401, also one restarted in the
 * middle. Then a database password Secret changes: both passwords are valid
 * for the grace period, then only the new one.
 */
import { randomBytes } from 'node:crypto';
import { ADMIN_CREDENTIALS_VERSION_ANNOTATION } from '../../../lib/reconciler/plan/admin-credentials';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { bdbPasswords } from '../../support/redis-enterprise-api-double';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { kubeWritesBesidesLeases } from '../harness/reconciler-writes';
import { InProcessFleet } from './support/fleet';

const GRACE_MS = 1500;

function decoded(secret: any, key: string): string {
  return Buffer.from(secret.data[key], 'base64').toString('utf8');
}

function rotationOf(status: any): any {
  return status?.operations?.find((o: any) => o.kind === 'CredentialRotation');
}

describeE2E('day-2: credential rotation without lockout (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet | undefined;
  const lines: string[] = [];
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  async function convergedFleet(prefix: string): Promise<InProcessFleet> {
    const f = await InProcessFleet.create(client, info, prefix, {
      fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'cache', port: 12000, replication: true }] }),
      databasePasswordGraceMs: GRACE_MS,
      logSink: (line) => lines.push(line),
    });
    fleet = f;
    await f.startAll();
    await f.until('converged', async () => {
      const c = f.registry.clusters()[0];
      const s = await f.status();
      return !!c && c.nodes().length === 3 && c.bdbs.byName('cache')?.status === 'active' && s?.clusterState === 'Running'
        && s?.adminCredentials?.acceptedVersions?.length === 1 && f.leaderNode() !== undefined;
    });
    return f;
  }

  it('rotates the admin password (add, every sidecar switches, delete) and a database password (add, grace period, replace)', async () => {
    const f = await convergedFleet('rip-cred');
    const cluster = f.registry.clusters()[0];
    const secretName = f.state.cluster.credentialsSecretName;
    const original = (await f.get('Secret', secretName))!;
    const username = decoded(original, 'username');
    const oldPassword = decoded(original, 'password');
    const fromRv = original.metadata.resourceVersion;
    expect((await f.status()).adminCredentials).toEqual({ acceptedVersions: [fromRv] });

    // A sidecar that is down when the Secret changes, restarted mid-rotation with nothing in memory.
    const leader = f.leaderNode()!;
    const restarted = f.nodes.find((n) => n !== leader)!;
    await restarted.reconciler!.stop();
    const writesBefore = f.nodes.filter((n) => n !== restarted).reduce((sum, n) => sum + kubeWritesBesidesLeases(n.reconciler!), 0);
    const restBefore = f.nodes.filter((n) => n !== restarted).reduce((sum, n) => sum + n.reconciler!.metrics.total(M.restRequests), 0);
    const mark = f.registry.requestLog.mark();
    const t0 = Date.now();

    const newPassword = `rotated-${randomBytes(18).toString('base64url')}`;
    await f.putSecret(secretName, { username, password: newPassword });
    const toRv = (await f.get('Secret', secretName))!.metadata.resourceVersion;
    await f.until('the new admin password is added', () => cluster.users.passwordCount(username) === 2, 30_000);
    expect(cluster.checkCredentials(username, oldPassword)).toBe(true);
    expect(cluster.checkCredentials(username, newPassword)).toBe(true);
    await f.until('the rotation waits for the stopped sidecar', async () => rotationOf(await f.status())?.node === restarted.podName, 30_000);
    const waiting = rotationOf(await f.status());
    expect(waiting).toMatchObject({ phase: 'Running', target: `admin password (Secret ${secretName} rv ${fromRv} -> ${toRv})` });
    expect((await f.status()).adminCredentials).toEqual({ acceptedVersions: [fromRv, toRv] });
    // Nothing deleted while a sidecar may still hold the old password.
    expect(cluster.users.passwords(username).changes.map((c) => c.kind)).toEqual(['add']);

    const restartedAt = f.registry.requestLog.mark();
    await f.startReconciler(restarted);
    await f.until('the admin rotation succeeded', async () => rotationOf(await f.status())?.phase === 'Succeeded', 30_000);
    const adminMs = Date.now() - t0;

    const changes = cluster.users.passwords(username).changes;
    expect(changes.map((c) => c.kind)).toEqual(['add', 'delete']);
    expect(changes[0].at).toBeLessThanOrEqual(changes[1].at);
    expect(cluster.checkCredentials(username, oldPassword)).toBe(false);
    expect(cluster.checkCredentials(username, newPassword)).toBe(true);
    const done = rotationOf(await f.status());
    expect(done).toMatchObject({ phase: 'Succeeded', target: waiting.target });
    expect(done.startedAt).toBe(waiting.startedAt);
    expect(Date.parse(done.endedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    expect((await f.status()).adminCredentials).toEqual({ acceptedVersions: [toRv] });

    // Every sidecar authenticated all along: no 401 since the change, and each node's API answered its sidecar.
    const since = f.registry.requestLog.entries({ since: mark });
    expect(since.filter((e) => e.status === 401)).toEqual([]);
    for (const n of f.nodes) {
      const window = n === restarted ? f.registry.requestLog.entries({ since: restartedAt }) : since;
      expect(window.filter((e) => e.node === n.podIp && typeof e.status === 'number' && e.status < 300).length).toBeGreaterThan(0);
    }
    for (const n of f.nodes) {
      const pod = await f.get('Pod', n.podName);
      expect(pod!.metadata.annotations?.[ADMIN_CREDENTIALS_VERSION_ANNOTATION]).toBe(toRv);
    }
    // The reconciler never wrote the Secret.
    const after = (await f.get('Secret', secretName))!;
    expect([after.metadata.resourceVersion, decoded(after, 'password')]).toEqual([toRv, newPassword]);
    expect((await f.events('CredentialRotationRunning')).length).toBeGreaterThan(0);
    expect(await f.events('CredentialRotationSucceeded')).toHaveLength(1);

    const restWrites = f.registry.requestLog.mutations({ since: mark });
    const kubeWrites = f.nodes.reduce((sum, n) => sum + kubeWritesBesidesLeases(n.reconciler!), 0) - writesBefore;
    process.stdout.write(`[measure] admin rotation: ${adminMs} ms; REST writes ${restWrites.length} (${restWrites.map((e) => `${e.method} ${e.path}`).join(', ')}); `
      + `Kubernetes writes besides Leases ${kubeWrites}; REST requests of the reconcilers ${f.nodes.reduce((s, n) => s + n.reconciler!.metrics.total(M.restRequests), 0) - restBefore}\n`);

    // ---- a database password Secret changes ----
    const db = f.state.databases[0];
    const dbSecret = (await f.get('Secret', db.passwordSecretName))!;
    const oldDbPassword = decoded(dbSecret, 'password');
    const bdb = cluster.bdbs.byName('cache')!;
    expect(bdbPasswords(cluster, bdb).accepts(oldDbPassword)).toBe(true);
    const dbMark = f.registry.requestLog.mark();
    const dbWritesBefore = f.nodes.reduce((sum, n) => sum + kubeWritesBesidesLeases(n.reconciler!), 0);
    const t1 = Date.now();
    const newDbPassword = `db-${randomBytes(18).toString('base64url')}`;
    const data = Object.fromEntries(Object.keys(dbSecret.data).map((k) => [k, decoded(dbSecret, k)]));
    await f.putSecret(db.passwordSecretName, { ...data, password: newDbPassword });
    await f.until('both database passwords valid', () => bdbPasswords(cluster, bdb).accepts(newDbPassword), 30_000);
    expect(bdbPasswords(cluster, bdb).accepts(oldDbPassword)).toBe(true);
    await f.until('the database status tells the window', async () => /both valid until/.test((await f.status()).databases.find((d: any) => d.name === 'cache')?.passwordRotation ?? ''), 30_000);
    await f.until('only the new database password is valid', () => !bdbPasswords(cluster, bdb).accepts(oldDbPassword), 30_000);
    const dbMs = Date.now() - t1;
    expect(bdbPasswords(cluster, bdb).accepts(newDbPassword)).toBe(true);
    expect(bdbPasswords(cluster, bdb).changes.map((c) => c.kind)).toEqual(['add', 'replace']);
    expect(bdbPasswords(cluster, bdb).changes[1].at - bdbPasswords(cluster, bdb).changes[0].at).toBeGreaterThanOrEqual(GRACE_MS - 100);
    await f.until('the database rotation is reported', async () => rotationOf(await f.status())?.phase === 'Succeeded' && /^database cache/.test(rotationOf(await f.status()).target), 30_000);
    const dbStatus = (await f.status()).databases.find((d: any) => d.name === 'cache');
    expect([dbStatus.message, dbStatus.passwordRotation]).toEqual([undefined, undefined]);
    const dbRest = f.registry.requestLog.mutations({ since: dbMark });
    const dbKube = f.nodes.reduce((sum, n) => sum + kubeWritesBesidesLeases(n.reconciler!), 0) - dbWritesBefore;
    process.stdout.write(`[measure] database password rotation: ${dbMs} ms (grace ${GRACE_MS} ms); REST writes ${dbRest.length} (${dbRest.map((e) => `${e.method} ${e.path}`).join(', ')}); Kubernetes writes besides Leases ${dbKube}\n`);

    // No value anywhere: logs, status, Events.
    const statusText = JSON.stringify(await f.get('ConfigMap', f.state.cluster.statusConfigMapName));
    const eventsText = JSON.stringify((await f.events()).map((e) => e.message));
    for (const value of [oldPassword, newPassword, oldDbPassword, newDbPassword]) {
      expect(lines.some((l) => l.includes(value))).toBe(false);
      expect(statusText.includes(value)).toBe(false);
      expect(eventsText.includes(value)).toBe(false);
    }
    expect(lines.length).toBeGreaterThan(0);
  });

  it('every sidecar restarted after the Secret changed: Blocked (the documented window), cleared by the previous password, then rotated', async () => {
    const f = await convergedFleet('rip-cred-all');
    const cluster = f.registry.clusters()[0];
    const secretName = f.state.cluster.credentialsSecretName;
    const original = (await f.get('Secret', secretName))!;
    const username = decoded(original, 'username');
    const oldPassword = decoded(original, 'password');
    for (const n of f.nodes) await n.reconciler!.stop();
    const newPassword = `rotated-${randomBytes(18).toString('base64url')}`;
    await f.putSecret(secretName, { username, password: newPassword });
    await f.startAll();
    await f.until('the rotation is blocked', async () => rotationOf(await f.status())?.phase === 'Blocked', 30_000);
    expect(rotationOf(await f.status()).message).toMatch(/holds only the new password/);
    // Nothing was changed in Redis Enterprise, and the status still names the accepted version.
    expect(cluster.users.passwords(username).changes).toEqual([]);
    expect(cluster.checkCredentials(username, oldPassword)).toBe(true);
    expect((await f.status()).adminCredentials).toEqual({ acceptedVersions: [original.metadata.resourceVersion] });

    // The way out the message names: the previous password back into the Secret ...
    await f.putSecret(secretName, { username, password: oldPassword });
    const restoredRv = (await f.get('Secret', secretName))!.metadata.resourceVersion;
    await f.until('the blocked run ended', async () => (await f.status())?.adminCredentials?.acceptedVersions?.[0] === restoredRv
      && /nothing to rotate/.test(rotationOf(await f.status())?.message ?? ''), 30_000);
    expect(rotationOf(await f.status()).phase).toBe('Succeeded');
    // ... then the change again: an ordinary rotation.
    const mark = f.registry.requestLog.mark();
    await f.putSecret(secretName, { username, password: newPassword });
    const againRv = (await f.get('Secret', secretName))!.metadata.resourceVersion;
    await f.until('the admin rotation succeeded', async () => {
      const op = rotationOf(await f.status());
      return op?.phase === 'Succeeded' && op.target === `admin password (Secret ${secretName} rv ${restoredRv} -> ${againRv})`;
    }, 30_000);
    expect(cluster.users.passwords(username).changes.map((c) => c.kind)).toEqual(['add', 'delete']);
    expect(cluster.checkCredentials(username, oldPassword)).toBe(false);
    expect(f.registry.requestLog.entries({ since: mark }).filter((e) => e.status === 401)).toEqual([]);

    // A new username is refused (Redis Enterprise has no rename): Blocked, nothing written, everyone keeps authenticating.
    const renameMark = f.registry.requestLog.mark();
    await f.putSecret(secretName, { username: 'someone-else@example.com', password: newPassword });
    await f.until('the rename is refused', async () => rotationOf(await f.status())?.phase === 'Blocked', 30_000);
    expect(rotationOf(await f.status()).message).toMatch(/cannot rename a user/);
    expect(f.registry.requestLog.mutations({ since: renameMark, path: /\/v1\/users/ })).toEqual([]);
    await f.putSecret(secretName, { username, password: newPassword });
    await f.until('the refusal clears with the username back', async () => rotationOf(await f.status())?.phase === 'Succeeded', 30_000);
    expect(f.registry.requestLog.entries({ since: renameMark }).filter((e) => e.status === 401)).toEqual([]);
    for (const value of [oldPassword, newPassword]) expect(lines.some((l) => l.includes(value))).toBe(false);
  });
});
