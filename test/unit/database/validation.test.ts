import { Chart } from 'cdk8s';
import {
  BackupStorage, DatabaseType, ExternalAccessMethod, ProxyPolicy, RedisEnterpriseCluster, RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps, TlsMode,
} from '../../../lib';
import { derivePort } from '../../../lib/database/port';
import { ruleCodes, testChart, validationErrors } from '../../support/synth';

type DbProps = Omit<RedisEnterpriseDatabaseProps, 'cluster'>;

function dbErrors(...dbs: Array<[string, DbProps]>): string[] {
  return validationErrors((app) => {
    const chart = testChart('redis', app);
    const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
    for (const [id, props] of dbs) new RedisEnterpriseDatabase(chart, id, { cluster, ...props });
  });
}

/** Two names whose derived ports collide, found by search so the test states its own premise. */
function collidingNames(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const name = `db${i}`;
    const other = seen.get(derivePort(name));
    if (other) return [other, name];
    seen.set(derivePort(name), name);
  }
}

const single: Array<[string, DbProps, string]> = [
  ['name with capitals', { name: 'Orders' }, 'REDB001'],
  ['name too long for <db>-headless', { name: 'a'.repeat(55) }, 'REDB001'],
  ['memory that does not parse', { memorySize: 'lots' }, 'REDB003'],
  ['memory below 100MB', { memorySize: '50MB' }, 'REDB003'],
  ['zero shards', { shardCount: 0 }, 'REDB005'],
  ['too many shards', { shardCount: 513 }, 'REDB005'],
  ['port below the range', { port: 6379 }, 'REDB006'],
  ['port above the range', { port: 20000 }, 'REDB006'],
  ['client certificates without TLS', { clientCertificateSecretNames: ['ca'] }, 'REDB008'],
  ['S3 backup without credentials', { backup: { storage: BackupStorage.S3, location: 'b' } }, 'REDB009'],
  ['backup every 2 hours', { backup: { storage: BackupStorage.MOUNT, location: '/backups', intervalHours: 2 } }, 'REDB009'],
  ['backup without location', { backup: { storage: BackupStorage.MOUNT, location: ' ' } }, 'REDB009'],
  ['memcached with modules', { type: DatabaseType.MEMCACHED, modules: [{ name: 'search' }] }, 'REDB010'],
  ['bad password Secret name', { passwordSecretName: 'My Password' }, 'REDB011'],
  ['empty module name', { modules: [{ name: '' }] }, 'REDB012'],
  ['role without ACL', { rolesPermissions: [{ role: 'app', acl: '' }] }, 'REDB012'],
  ['unknown alert', { alertSettings: [{ name: 'cpu_high' }] }, 'REDB012'],
  ['external access without cluster external access', { externalAccess: true, tlsMode: TlsMode.ENABLED }, 'REDB013'],
  ['unknown eviction policy (JavaScript caller)', { evictionPolicy: 'lru' as never }, 'REDB015'],
  ['memory as a number (JavaScript caller)', { memorySize: 100 as never }, 'REDB015'],
  ['OSS cluster with a single proxy', { ossCluster: true, proxyPolicy: ProxyPolicy.SINGLE }, 'REDB016'],
];

describe('RedisEnterpriseDatabase validation', () => {
  test.each(single)('%s is %s', (_, props, code) => {
    const errors = dbErrors(['db', props]);
    expect(ruleCodes(errors)).toEqual([code]);
    for (const e of errors) expect(e).toMatch(/ RE[A-Z]*\d{3} error in .+ \(.+\): .+\. Fix: .+/);
  });

  test('replication on a one-node cluster is REDB007 beside the cluster\'s REC001', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      const cluster = new RedisEnterpriseCluster(chart, 'rec', { nodes: 1 });
      new RedisEnterpriseDatabase(chart, 'db', { cluster, replication: true });
    });
    expect(ruleCodes(errors)).toEqual(['REC001', 'REDB007']);
    expect(errors.find((e) => e.includes('REDB007'))).toContain('(replication): replication places each replica on another node, but the cluster has 1 node(s)');
  });

  test('duplicate names (REDB002) name both databases', () => {
    const errors = dbErrors(['a', { name: 'orders' }], ['b', { name: 'orders', port: 12000 }]);
    expect(ruleCodes(errors)).toContain('REDB002');
    expect(errors.find((e) => e.includes('REDB002'))).toMatch(/test\/a.*test\/b|a and .*b/);
  });

  test('an explicit port taken by another database (REDB006) names both', () => {
    const errors = dbErrors(['a', { port: 12000 }], ['b', { port: 12000 }]);
    expect(ruleCodes(errors)).toEqual(['REDB006']);
    expect(errors[0]).toContain('databases "a" (explicit port) and "b" (explicit port) all use port 12000');
  });

  test('two derived ports that collide ask for an explicit port on one of them', () => {
    const [x, y] = collidingNames();
    const errors = dbErrors([x, {}], [y, {}]);
    expect(ruleCodes(errors)).toEqual(['REDB006']);
    expect(errors[0]).toContain(`set an explicit port on "${x}" or "${y}"`);
    expect(ruleCodes(validationErrorsOrEmpty(() => dbErrors([x, {}], [y, { port: 12345 }])))).toEqual([]);
  });

  test('databases that do not fit in the cluster memory (REDB004) state both numbers', () => {
    const errors = dbErrors(['a', { memorySize: '4GB', replication: true }], ['b', { memorySize: '5GB' }]);
    expect(ruleCodes(errors)).toEqual(['REDB004']);
    expect(errors[0]).toContain('the databases need 13GB (a 4GB × 2 (replication), b 5GB) but the cluster has 12GB (3 nodes × 4GB)');
  });

  test('a database named like a cluster Service (REDB014)', () => {
    expect(ruleCodes(dbErrors(['db', { name: 'rec-ui' }]))).toEqual(['REDB014']);
  });

  test('a database declared in another Chart than its cluster (REDB020) names both Charts; its other rules still run', () => {
    const errors = validationErrors((app) => {
      const cluster = new RedisEnterpriseCluster(testChart('redis', app), 'rec', {});
      new RedisEnterpriseDatabase(new Chart(app, 'apps'), 'orders', { cluster, memorySize: '20GB' });
    });
    expect(ruleCodes(errors)).toEqual(['REDB004', 'REDB020']);
    expect(errors.find((e) => e.includes('REDB020'))).toContain('declared in Chart apps but its cluster chart-redis/rec in Chart chart-redis');
  });
});

function validationErrorsOrEmpty(fn: () => string[]): string[] {
  try {
    return fn();
  } catch (e) {
    if (/synthesis succeeded/.test((e as Error).message)) return [];
    throw e;
  }
}

describe('exposed databases', () => {
  const exposedErrors = (name: string, suffix = '.db.example.com') => validationErrors((app) => {
    const chart = testChart('redis', app);
    const cluster = new RedisEnterpriseCluster(chart, 'rec', {
      externalAccess: { method: ExternalAccessMethod.OPENSHIFT_ROUTE, apiFqdn: 'api.example.com', dbFqdnSuffix: suffix },
    });
    new RedisEnterpriseDatabase(chart, 'db', { cluster, name, tlsMode: TlsMode.ENABLED, externalAccess: true });
  });

  test('a database named like the API exposure object (REDB014)', () => {
    expect(ruleCodes(exposedErrors('rec-api'))).toEqual(['REDB014']);
  });

  test('a hostname too long for DNS (REDB017)', () => {
    expect(ruleCodes(exposedErrors('orders', `-${'x'.repeat(60)}.example.com`))).toEqual(['REDB017']);
  });
});
