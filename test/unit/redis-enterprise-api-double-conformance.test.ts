/**
 * Conformance of the REST double with answers captured from a real Redis
 * Enterprise cluster (test/fixtures/redis-enterprise-rest, see SOURCE.md):
 * for the same requests, every field the double answers exists in the real
 * answer with the same JSON type, and the fields the reconciler relies on are
 * there. The double may leave real fields out (it models a subset); the ones
 * it adds that the captured answer lacks are listed here with their reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReClient } from '../../lib/reconciler/io/re-client';
import { ApiDoubleClusterRegistry, ApiDoubleSoftwareVersion, ManualClock, RedisEnterpriseApiDouble } from '../support/redis-enterprise-api-double';

type Shape = Record<string, string>;
const SHAPES = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'redis-enterprise-rest', 'answer-shapes.json'), 'utf8')) as Record<string, Record<string, Shape>>;
const ADMIN = { username: 'admin@example.com', password: 'conformance-pass' };

/**
 * Fields the double answers that the captured answer does not have: documented
 * bdb fields that database did not use (tags, backup_location,
 * enforce_client_authentication), or read-only fields of other versions.
 */
const EXTRA_ALLOWED: Record<string, string[]> = {
  'GET /v1/bdbs/{uid}': ['tags', 'enforce_client_authentication', 'crdt', 'rack_aware', 'action_uid'],
  'local_node_info': [],
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Fields of `answer` that are not in the real shape, or have another type there. */
function mismatches(answer: Record<string, unknown>, real: Shape, extra: string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(answer)) {
    if (!(k in real)) {
      if (!extra.includes(k)) out.push(`${k}: not in the real answer`);
      continue;
    }
    // A null in the captured answer says nothing about the type.
    if (real[k] !== 'null' && typeOf(v) !== real[k]) out.push(`${k}: ${typeOf(v)}, real ${real[k]}`);
  }
  return out;
}

describe.each<ApiDoubleSoftwareVersion>(['8.0', '8.2'])('REST double as Redis Software %s conforms to real answers', (version) => {
  const clock = new ManualClock();
  const registry = new ApiDoubleClusterRegistry({ clock, policy: { softwareVersion: version } });
  const node = new RedisEnterpriseApiDouble({ registry });
  let client: ReClient;

  beforeAll(async () => {
    const api = await node.start();
    client = new ReClient({ baseUrl: api.url, credentials: () => ADMIN, ca: api.caCertPem, timeoutMs: 5000 });
    await client.bootstrap({ action: 'create_cluster', cluster: { name: 'conformance.example.com' }, node: { identity: { addr: node.addr } }, credentials: ADMIN });
    clock.advance(10_000);
  });
  afterAll(async () => {
    client.close();
    await node.dispose();
  });

  it('GET /v1/bootstrap: local_node_info and bootstrap_status have the real fields and types', async () => {
    const boot = await client.request<Record<string, any>>('GET', '/v1/bootstrap');
    const real = SHAPES['GET /v1/bootstrap'];
    expect(mismatches(boot, real[''])).toEqual([]);
    expect(mismatches(boot.bootstrap_status, real.bootstrap_status)).toEqual([]);
    expect(mismatches(boot.local_node_info, real.local_node_info)).toEqual([]);
    expect(typeof boot.local_node_info.uid).toBe('string');
    for (const a of boot.local_node_info.available_addresses) expect(mismatches(a, real['local_node_info.available_addresses[]'])).toEqual([]);
  });

  it('GET /v1/bdbs/{uid}: a database created without a port answers like the real one (port 0, bundled modules)', async () => {
    const created = await client.createBdb({ name: 'auto-port', memory_size: 100 * 1024 * 1024 });
    clock.advance(10_000);
    const bdb = await client.request<Record<string, any>>('GET', `/v1/bdbs/${created.uid}`);
    const real = SHAPES['GET /v1/bdbs/{uid}'];
    expect(mismatches(bdb, real[''], EXTRA_ALLOWED['GET /v1/bdbs/{uid}'])).toEqual([]);
    for (const e of bdb.endpoints) expect(mismatches(e, real['endpoints[]'])).toEqual([]);
    for (const m of bdb.module_list) expect(mismatches(m, real['module_list[]'])).toEqual([]);
    expect(bdb.port).toBe(0);
    expect(bdb.endpoints[0].port).toBeGreaterThanOrEqual(10000);
    expect(bdb.module_list.map((m: { module_name: string }) => m.module_name).sort())
      .toEqual(Object.keys(real['module_list names (Redis 8.0 database)']).sort());
    // Fields the reconciler reads are present.
    for (const k of ['uid', 'name', 'status', 'port', 'endpoints', 'module_list', 'tags', 'crdt']) expect(bdb).toHaveProperty(k);
  });

  it('GET /v1/actions: actions and state machines have the real fields and types', async () => {
    const actions = await client.request<Record<string, any>>('GET', '/v1/actions');
    const real = SHAPES['GET /v1/actions'];
    expect(mismatches(actions, real[''])).toEqual([]);
    expect(actions['state-machines'].length).toBeGreaterThan(0);
    for (const sm of actions['state-machines']) {
      // The double adds the action fields progress and node_uid to its state machines.
      expect(mismatches(sm, { ...real['state-machines[]'], ...real['actions[]'] }, ['error', 'error_code', 'error_message'])).toEqual([]);
    }
  });

  it('GET /v1/nodes: nodes have the real fields and types (uid a number, as in the real answer)', async () => {
    const nodes = await client.request<Array<Record<string, unknown>>>('GET', '/v1/nodes');
    for (const n of nodes) expect(mismatches(n, SHAPES['GET /v1/nodes']['[]'], ['bigstore_enabled', 'bigredis_storage_path'])).toEqual([]);
  });

  it(version === '8.2' ? 'refuses 8.2-invalid tag keys and system tags; reports a system tag' : 'accepts 8.0 tag keys', async () => {
    const attempt = client.createBdb({ name: `tags-${version.replace('.', '')}`, memory_size: 100 * 1024 * 1024, port: 12001, tags: [{ key: 'redis.io/x', value: 'y' }] });
    if (version === '8.2') {
      await expect(attempt).rejects.toThrow(/invalid_bdb_tags/);
      await expect(client.createBdb({ name: 'sys', memory_size: 100 * 1024 * 1024, tags: [{ key: 'db', value: '1' }] })).rejects.toThrow(/invalid_bdb_tags/);
      const ok = await client.createBdb({ name: 'good-tags', memory_size: 100 * 1024 * 1024, tags: [{ key: 'team_a', value: 'svc/api' }] });
      expect(ok.tags).toEqual(expect.arrayContaining([{ key: 'team_a', value: 'svc/api' }, expect.objectContaining({ isSystem: true })]));
    } else {
      await expect(attempt).resolves.toMatchObject({ tags: [{ key: 'redis.io/x', value: 'y' }] });
    }
  });

  it('refuses the reserved port 10050 and records undocumented bdb fields without storing them', async () => {
    await expect(client.createBdb({ name: 'zabbix', memory_size: 100 * 1024 * 1024, port: 10050 })).rejects.toThrow(/port_unavailable/);
    const before = node.cluster!.bdbs.undocumentedFields.length;
    const b = await client.createBdb({ name: 'extra-field', memory_size: 100 * 1024 * 1024, port: 12002, alert_settings: { bdb_size: { enabled: true } } });
    expect(node.cluster!.bdbs.undocumentedFields.slice(before)).toEqual([{ method: 'POST', fields: ['alert_settings'] }]);
    expect(b).not.toHaveProperty('alert_settings');
  });
});
