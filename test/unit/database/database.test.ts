import { Testing } from 'cdk8s';
import {
  BackupStorage, DatabasePersistence, DatabaseType, DeletionPolicy, EvictionPolicy, ProxyPolicy,
  RedisEnterpriseCluster, RedisEnterpriseDatabase, TlsMode,
} from '../../../lib';
import { expectSchemaValid } from '../../support/schema';
import { findObject, testChart } from '../../support/synth';

function synthWith(build: (cluster: RedisEnterpriseCluster) => void) {
  const chart = testChart('redis');
  const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
  build(cluster);
  const objects = Testing.synth(chart);
  const doc = JSON.parse(findObject(objects, 'ConfigMap', 'rec-desired-state').data['desired-state.json']);
  return { objects, doc };
}

describe('RedisEnterpriseDatabase', () => {
  test('defaults: Services without selectors, derived port, desired state with operator defaults', () => {
    const { objects, doc } = synthWith((cluster) => new RedisEnterpriseDatabase(cluster, 'orders', { cluster }));
    // FNV-1a of "orders", mod 10000, from 10000 (computed from the documented rule with an FNV-1a written apart from lib/database/port.ts).
    const port = 19820;
    const service = findObject(objects, 'Service', 'orders');
    expect(service.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'redis', port, targetPort: port, protocol: 'TCP' }] });
    expect(service.metadata.labels).toMatchObject({ 'app': 'redis-enterprise', 'redis.io/cluster': 'rec', 'redis.io/bdb': 'orders' });
    const headless = findObject(objects, 'Service', 'orders-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toBeUndefined();
    expect(doc.databases).toEqual([{
      name: 'orders', type: 'redis', memorySizeBytes: 100 * 2 ** 20, port, shardCount: 1, replication: false,
      persistence: 'disabled', evictionPolicy: 'volatile-lru', tlsMode: 'disabled', clientCertificateSecretNames: [],
      modules: [], passwordSecretName: 'redb-orders', proxyPolicy: 'single', ossCluster: false, rolesPermissions: [],
      alertSettings: [], deletionPolicy: 'retain', serviceName: 'orders', headlessServiceName: 'orders-headless',
    }]);
    expectSchemaValid(objects);
  });

  test('every setting reaches the desired state', () => {
    const { doc, objects } = synthWith((cluster) => new RedisEnterpriseDatabase(cluster, 'db', {
      cluster,
      name: 'sessions',
      memorySize: '2GB',
      shardCount: 4,
      replication: true,
      persistence: DatabasePersistence.SNAPSHOT_EVERY_6_HOURS,
      evictionPolicy: EvictionPolicy.ALLKEYS_LFU,
      tlsMode: TlsMode.ENABLED,
      clientCertificateSecretNames: ['client-ca'],
      modules: [{ name: 'search', args: 'MAXSEARCHRESULTS 1000' }],
      port: 12001,
      passwordSecretName: 'sessions-pw',
      proxyPolicy: ProxyPolicy.ALL_MASTER_SHARDS,
      ossCluster: true,
      type: DatabaseType.REDIS,
      backup: { storage: BackupStorage.S3, location: 'backups-bucket', subdir: 'sessions', credentialsSecretName: 's3-creds', intervalHours: 12 },
      alertSettings: [{ name: 'bdb_size', threshold: '80' }, { name: 'bdb_high_latency', enabled: false }],
      rolesPermissions: [{ role: 'app', acl: 'Full Access' }],
      deletionPolicy: DeletionPolicy.DELETE,
    }));
    expect(doc.databases[0]).toEqual({
      name: 'sessions', type: 'redis', memorySizeBytes: 2 * 2 ** 30, port: 12001, shardCount: 4, replication: true,
      persistence: 'snapshotEvery6Hour', evictionPolicy: 'allkeys-lfu', tlsMode: 'enabled', clientCertificateSecretNames: ['client-ca'],
      modules: [{ name: 'search', args: 'MAXSEARCHRESULTS 1000' }], passwordSecretName: 'sessions-pw', proxyPolicy: 'all-master-shards',
      ossCluster: true, rolesPermissions: [{ role: 'app', acl: 'Full Access' }],
      alertSettings: [{ name: 'bdb_size', enabled: true, threshold: '80' }, { name: 'bdb_high_latency', enabled: false }],
      backup: { intervalSeconds: 43200, type: 's3', location: 'backups-bucket', subdir: 'sessions', credentialsSecretName: 's3-creds' },
      deletionPolicy: 'delete', serviceName: 'sessions', headlessServiceName: 'sessions-headless',
    });
    expect(findObject(objects, 'Service', 'sessions').spec.ports[0].port).toBe(12001);
  });

  test('databases are listed by name whatever the declaration order, and no Secret is emitted', () => {
    const { doc, objects } = synthWith((cluster) => {
      new RedisEnterpriseDatabase(cluster, 'zeta', { cluster });
      new RedisEnterpriseDatabase(cluster, 'alpha', { cluster });
    });
    expect(doc.databases.map((d: any) => d.name)).toEqual(['alpha', 'zeta']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('a derived port depends on the name only: adding a database never moves another', () => {
    const one = synthWith((cluster) => new RedisEnterpriseDatabase(cluster, 'orders', { cluster })).doc;
    const two = synthWith((cluster) => {
      new RedisEnterpriseDatabase(cluster, 'aaa', { cluster });
      new RedisEnterpriseDatabase(cluster, 'orders', { cluster });
    }).doc;
    expect(two.databases.find((d: any) => d.name === 'orders').port).toBe(one.databases[0].port);
  });

  test('public fields', () => {
    const chart = testChart('redis');
    const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
    const db = new RedisEnterpriseDatabase(chart, 'orders', { cluster, port: 15000 });
    expect([db.name, db.port, db.serviceName, db.headlessServiceName, db.passwordSecretName, db.externalHostname])
      .toEqual(['orders', 15000, 'orders', 'orders-headless', 'redb-orders', undefined]);
  });
});
