/**
 * `redisVersion` on a database: checked against the Redis database versions
 * the cluster's Redis Software release bundles (its image tag), carried in
 * the desired state, and a downgrade refused by the UnsafeChangeGuard.
 */
import { Chart } from 'cdk8s';
import { activeActiveApp } from '../../../examples/active-active';
import {
  DatabaseType, ExternalAccessMethod, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster, RedisEnterpriseClusterProps,
  RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps, RedisEnterpriseRemoteCluster, findUnsafeChanges,
} from '../../../lib';
import {
  KNOWN_REDIS_DATABASE_VERSIONS, bundledRedisDatabaseVersions, redisMajorMinor, redisSoftwareVersionOfImage,
} from '../../../lib/contract/redis-software';
import { ruleCodes, testChart, validationErrors } from '../../support/synth';
import { synthesize, synthesizeApp } from '../reconciler/support/desired';

type DbProps = Omit<RedisEnterpriseDatabaseProps, 'cluster'>;

function errors(db: DbProps, clusterProps: RedisEnterpriseClusterProps = {}): string[] {
  return validationErrors((app) => {
    const chart = testChart('redis', app);
    const cluster = new RedisEnterpriseCluster(chart, 'rec', clusterProps);
    new RedisEnterpriseDatabase(chart, 'orders', { cluster, ...db });
  });
}

describe('Redis Software facts', () => {
  test('the release of an image comes from its tag; a digest or a tag without a version gives none', () => {
    expect(redisSoftwareVersionOfImage('redislabs/redis:8.0.20-44.23')).toBe('8.0.20');
    expect(redisSoftwareVersionOfImage('registry.example.com:5000/redislabs/redis:7.22.2-21.43')).toBe('7.22.2');
    expect(redisSoftwareVersionOfImage('redislabs/redis:latest')).toBeUndefined();
    expect(redisSoftwareVersionOfImage('redislabs/redis@sha256:0123')).toBeUndefined();
  });

  test('bundled versions by exact release or by line, unknown releases give none', () => {
    expect(bundledRedisDatabaseVersions('8.0.20')?.bundled).toEqual(['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6']);
    expect(bundledRedisDatabaseVersions('7.22.2')?.bundled).toEqual(['6.2', '7.2', '7.4']);
    expect(bundledRedisDatabaseVersions('8.0.12')).toBeUndefined();
    expect(KNOWN_REDIS_DATABASE_VERSIONS).toEqual(['6.0', '6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6']);
  });

  test('a reported redis_version reads as major.minor', () => {
    expect(['7.4', '7.4.2', '5.0-big', '', undefined].map(redisMajorMinor)).toEqual(['7.4', '7.4', '5.0', undefined, undefined]);
  });
});

describe('redisVersion validation', () => {
  test('a version the default image (8.0.20) bundles is accepted and reaches the desired state', () => {
    const state = synthesize({ databases: [{ name: 'orders', redisVersion: '7.4' }, { name: 'plain' }] }).state;
    expect(state.databases.find((d) => d.name === 'orders')!.redisVersion).toBe('7.4');
    expect('redisVersion' in state.databases.find((d) => d.name === 'plain')!).toBe(false);
  });

  test.each([['7'], ['8.0.2'], ['v8.0'], ['9.0']])('"%s" is REDB031 (format or unknown version)', (v) => {
    const e = errors({ redisVersion: v });
    expect(ruleCodes(e)).toEqual(['REDB031']);
    expect(e[0]).toContain('(redisVersion)');
  });

  test('a number from a JavaScript caller is REDB031', () => {
    expect(ruleCodes(errors({ redisVersion: 8 as never }))).toEqual(['REDB031']);
  });

  test('a version the cluster\'s release does not bundle is REDB032 and names the release and what it bundles', () => {
    const e = errors({ redisVersion: '8.0' }, { image: 'redislabs/redis:7.22.2-21.43' });
    expect(ruleCodes(e)).toEqual(['REDB032']);
    expect(e[0]).toContain('Redis Software 7.22.2 (image redislabs/redis:7.22.2-21.43) bundles Redis 6.2, 7.2, 7.4, not 8.0');
  });

  test('an image whose release is unknown checks the known set only', () => {
    expect(() => synthesize({ databases: [{ name: 'orders', redisVersion: '8.6' }], cluster: { image: 'redislabs/redis@sha256:abcd' } })).not.toThrow();
    expect(ruleCodes(errors({ redisVersion: '9.9' }, { image: 'redislabs/redis@sha256:abcd' }))).toEqual(['REDB031']);
  });

  test('memcached with a redisVersion is REDB033', () => {
    expect(ruleCodes(errors({ type: DatabaseType.MEMCACHED, redisVersion: '7.4' }))).toEqual(['REDB033']);
  });
});

describe('redisVersion on an Active-Active database', () => {
  const both = (redisVersion: string) => synthesizeApp((app) => { activeActiveApp(app, { redisVersion }); }, 'rec-west');

  test('reaches every participant\'s desired state', () => {
    const fixture = both('7.4');
    expect(fixture.state.activeActiveDatabases[0].redisVersion).toBe('7.4');
    expect(synthesizeApp((app) => activeActiveApp(app, { redisVersion: '7.4' }), 'rec-east').state.activeActiveDatabases[0].redisVersion).toBe('7.4');
  });

  test('is checked against each participant\'s release (one finding per distinct refusal)', () => {
    const e = validationErrors((app) => {
      const east = testChart('east', app);
      const west = new Chart(app, 'west', { namespace: 'west' });
      const access = (n: string) => ({ method: ExternalAccessMethod.INGRESS, apiFqdn: `api.${n}.example.com`, dbFqdnSuffix: `.db.${n}.example.com` });
      const a = new RedisEnterpriseCluster(east, 'rec', { name: 'rec-east', externalAccess: access('east') });
      const b = new RedisEnterpriseCluster(west, 'rec', { name: 'rec-west', externalAccess: access('west'), image: 'redislabs/redis:7.22.2-21.43' });
      const participants = [
        new RedisEnterpriseRemoteCluster(east, 'p-east', { cluster: a, name: 'us-east' }),
        new RedisEnterpriseRemoteCluster(west, 'p-west', { cluster: b, name: 'eu-west' }),
      ];
      new RedisEnterpriseActiveActiveDatabase(east, 'carts', { participants, redisVersion: '8.0' });
    });
    expect(ruleCodes(e)).toEqual(['REDB032']);
    expect(e[0]).toContain('Redis Software 7.22.2');
  });

  test('a downgrade is REGIT010, in each participating cluster\'s desired state', () => {
    const f = findUnsafeChanges(both('8.0').objects, both('7.4').objects);
    expect(f.map((x) => [x.code, x.field])).toEqual(['rec-east', 'rec-west'].map((rec) =>
      ['REGIT010', `ConfigMap/${rec}-desired-state.activeActiveDatabases[carts].redisVersion`]));
  });
});

describe('redisVersion changes (UnsafeChangeGuard)', () => {
  const render = (redisVersion?: string) => synthesize({ databases: [{ name: 'orders', ...(redisVersion ? { redisVersion } : {}) }] }).objects;

  test('a downgrade is REGIT010; an upgrade, a first declaration and a removal are not findings', () => {
    const f = findUnsafeChanges(render('8.0'), render('7.4'));
    expect(f.map((x) => x.code)).toEqual(['REGIT010']);
    expect(f[0].message).toContain('goes down from 8.0 to 7.4');
    expect(findUnsafeChanges(render('7.4'), render('8.0'))).toEqual([]);
    expect(findUnsafeChanges(render(), render('8.0'))).toEqual([]);
    expect(findUnsafeChanges(render('8.0'), render())).toEqual([]);
  });

  test('8.10 is newer than 8.2 (versions compare by number, not as text)', () => {
    // 8.10 is no bundled version: edit the rendered document, as a hand-written change would.
    const next = JSON.parse(JSON.stringify(render('8.2')));
    const cm = next.find((o: any) => o.metadata.name === 'rec-desired-state');
    const doc = JSON.parse(cm.data['desired-state.json']);
    doc.databases[0].redisVersion = '8.10';
    cm.data['desired-state.json'] = JSON.stringify(doc);
    expect(findUnsafeChanges(render('8.2'), next)).toEqual([]);
    expect(findUnsafeChanges(next, render('8.2')).map((x) => x.code)).toEqual(['REGIT010']);
  });
});
