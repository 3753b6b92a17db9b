/**
 * Mistakes TypeScript would stop but JavaScript (or a YAML-fed generator)
 * passes straight through: each is a validation finding with a rule code,
 * reported with every other finding of the app, never a TypeError.
 */
import { App, Chart } from 'cdk8s';
import {
  ExternalAccessMethod, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster, RedisEnterpriseDatabase, RedisEnterpriseRemoteCluster,
} from '../../../lib';
import { closestName } from '../../../lib/validation/similar-names';
import { ruleCodes, testChart, validationErrors } from '../../support/synth';

const js = (value: unknown): any => value;

function clusterIn(chart: Chart, name = 'rec', external = false): RedisEnterpriseCluster {
  return new RedisEnterpriseCluster(chart, name, {
    name,
    kubernetesClusterName: chart.node.id,
    ...(external ? { externalAccess: { method: ExternalAccessMethod.ISTIO, apiFqdn: `api.${name}.example.com`, dbFqdnSuffix: `.db.${name}.example.com` } } : {}),
  });
}

describe('unknown props (REPROP002) with a "did you mean"', () => {
  test('replicas, storageClass and memory on a cluster: one finding each, all at once, each pointing at the prop meant', () => {
    const errors = validationErrors((app) => new RedisEnterpriseCluster(testChart('redis', app), 'rec', js({ replicas: 3, storageClass: 'gp3', memory: '8Gi' })));
    expect(ruleCodes(errors)).toEqual(['REPROP002']);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toContain('RedisEnterpriseCluster has no prop "replicas"; did you mean "nodes"?');
    expect(errors.join('\n')).toContain('no prop "storageClass"; did you mean "persistence.storageClassName"?');
    expect(errors.join('\n')).toContain('no prop "memory"; did you mean "nodeResources.limits.memory"?');
  });

  test('a typo is matched by edit distance, also inside nested props', () => {
    const errors = validationErrors((app) => new RedisEnterpriseCluster(testChart('redis', app), 'rec', js({
      node: 3, persistence: { storageClasName: 'gp3' }, nodeResources: { limits: { memroy: '4Gi' } },
    })));
    expect(errors.join('\n')).toContain('no prop "node"; did you mean "nodes"?');
    expect(errors.join('\n')).toContain('no prop "persistence.storageClasName"; did you mean "persistence.storageClassName"?');
    expect(errors.join('\n')).toContain('no prop "nodeResources.limits.memroy"; did you mean "nodeResources.limits.memory"?');
  });

  test('a database\'s memory and replicas; a name close to nothing gets no suggestion', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      new RedisEnterpriseDatabase(chart, 'db', js({ cluster: clusterIn(chart), memory: '1GB', replicas: true, xyzzy: 1 }));
    });
    expect(ruleCodes(errors)).toEqual(['REPROP002']);
    expect(errors.join('\n')).toContain('RedisEnterpriseDatabase has no prop "memory"; did you mean "memorySize"?');
    expect(errors.join('\n')).toContain('no prop "replicas"; did you mean "replication"?');
    expect(errors.find((e) => e.includes('"xyzzy"'))).not.toContain('did you mean');
  });

  test('closestName: prefix and edit-distance matches, nothing for far-off names', () => {
    expect(closestName('memory', ['memorySize', 'port'])).toBe('memorySize');
    expect(closestName('shardcount', ['shardCount', 'port'])).toBe('shardCount');
    expect(closestName('banana', ['memorySize', 'port'])).toBeUndefined();
  });
});

describe('props that are not an object (REPROP001)', () => {
  test.each([['null', null], ['a string', 'rec'], ['a number', 3], ['an array', [1]]])('cluster props %s', (_, props) => {
    expect(ruleCodes(validationErrors((app) => new RedisEnterpriseCluster(testChart('redis', app), 'rec', js(props))))).toEqual(['REPROP001']);
  });

  test.each([['null', null], ['a string', 'db'], ['a number', 3], ['an array', []], ['undefined', undefined]])('database props %s', (_, props) => {
    const errors = validationErrors((app) => new RedisEnterpriseDatabase(testChart('redis', app), 'db', js(props)));
    // The props are unusable, so `cluster` is missing too: both are said at once.
    expect(ruleCodes(errors)).toEqual(['REPROP001', 'REPROP004']);
  });

  test('remote cluster and Active-Active props null', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      new RedisEnterpriseRemoteCluster(chart, 'p', js(null));
      new RedisEnterpriseActiveActiveDatabase(chart, 'aa', js(null));
    });
    expect(errors.filter((e) => e.includes('REPROP001'))).toHaveLength(2);
    expect(ruleCodes(errors)).toEqual(['REAADB001', 'REPROP001', 'REPROP004']);
  });
});

describe('references to the wrong thing (REPROP004)', () => {
  test.each([['missing', undefined], ['null', null], ['a string', 'rec'], ['a plain object', { name: 'rec', _spec: {} }]])('a database whose cluster is %s', (_, cluster) => {
    const errors = validationErrors((app) => new RedisEnterpriseDatabase(testChart('redis', app), 'db', js({ cluster, memorySize: '1GB' })));
    expect(ruleCodes(errors)).toEqual(['REPROP004']);
    expect(errors[0]).toMatch(cluster === undefined ? /\(cluster\): cluster is required/ : /\(cluster\): cluster must be a RedisEnterpriseCluster, got /);
  });

  test('a remote cluster without a cluster, and Active-Active participants that are not remote clusters', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      const cluster = clusterIn(chart, 'rec', true);
      const good = new RedisEnterpriseRemoteCluster(chart, 'good', { cluster });
      const bad = new RedisEnterpriseRemoteCluster(chart, 'bad', js({}));
      new RedisEnterpriseActiveActiveDatabase(chart, 'aa', js({ participants: [good, bad, null, cluster] }));
    });
    expect(ruleCodes(errors)).toEqual(['REPROP004']);
    expect(errors.join('\n')).toMatch(/\(participants\[2\]\): participants\[2\] must be a RedisEnterpriseRemoteCluster, got null/);
    expect(errors.join('\n')).toMatch(/\(participants\[3\]\): .*got an object of class RedisEnterpriseCluster/);
    expect(errors.filter((e) => e.includes('bad (cluster)'))).toHaveLength(1);
  });

  test('participants that are not a list', () => {
    const errors = validationErrors((app) => new RedisEnterpriseActiveActiveDatabase(testChart('redis', app), 'aa', js({ participants: 'east,west' })));
    expect(ruleCodes(errors)).toEqual(['REPROP004']);
  });
});

describe('constructs outside a Chart (REPROP003)', () => {
  test('a cluster in the App itself, even with a namespace, and a database beside it', () => {
    const errors = validationErrors((app: App) => {
      const cluster = new RedisEnterpriseCluster(app, 'rec', { namespace: 'redis' });
      new RedisEnterpriseDatabase(app, 'db', { cluster });
    });
    expect(ruleCodes(errors)).toEqual(['REPROP003']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('is not inside a cdk8s Chart');
  });

  test('an Active-Active database with a participant outside a Chart creates nothing there', () => {
    const errors = validationErrors((app: App) => {
      const inChart = clusterIn(new Chart(app, 'east', { namespace: 'redis' }), 'rec-east', true);
      const outside = new RedisEnterpriseCluster(app, 'rec-west', {
        namespace: 'redis', kubernetesClusterName: 'west',
        externalAccess: { method: ExternalAccessMethod.ISTIO, apiFqdn: 'api.w.example.com', dbFqdnSuffix: '.db.w.example.com' },
      });
      new RedisEnterpriseActiveActiveDatabase(inChart.node.scope as Chart, 'aa', {
        participants: [new RedisEnterpriseRemoteCluster(app, 'pe', { cluster: inChart }), new RedisEnterpriseRemoteCluster(app, 'pw', { cluster: outside })],
      });
    });
    expect(ruleCodes(errors)).toEqual(['REPROP003']);
  });
});

describe('database placement and modules', () => {
  test('unknown module names (REDB018) get the NAME to use; a duplicated module is REDB018 too', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      new RedisEnterpriseDatabase(chart, 'db', {
        cluster: clusterIn(chart), modules: [{ name: 'RedisJSON' }, { name: 'search' }, { name: 'search' }, { name: 'graph' }, { name: 'timeseries' }],
      });
    });
    expect(ruleCodes(errors)).toEqual(['REDB018']);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toContain('(modules[0].name): "RedisJSON" is not a module Redis Enterprise ships (search, ReJSON, timeseries, bf); did you mean "ReJSON"?');
    expect(errors.join('\n')).toContain('(modules[2].name): module "search" is listed twice');
    expect(errors.join('\n')).toMatch(/\(modules\[3\]\.name\): "graph" is not a module .*Fix: use one of search, ReJSON, timeseries, bf/);
  });

  test('the bundled modules, each once, are valid', () => {
    const app = new App();
    const chart = testChart('redis', app);
    new RedisEnterpriseDatabase(chart, 'db', { cluster: clusterIn(chart), modules: ['search', 'ReJSON', 'timeseries', 'bf'].map((name) => ({ name })) });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('memory left for Redis Enterprise itself (REDB019)', () => {
  const withDatabases = (...sizes: Array<[string, boolean]>) => validationErrors((app) => {
    const chart = testChart('redis', app);
    const cluster = clusterIn(chart); // 3 nodes × 4Gi = 12GB, 80% = 9.6GB
    sizes.forEach(([memorySize, replication], i) => new RedisEnterpriseDatabase(chart, `db${i}`, { cluster, memorySize, replication, port: 10000 + i }));
  });

  test('databases taking all of the nodes\' memory leave no room: REDB019 states the share and the numbers', () => {
    const errors = withDatabases(['12GB', false]);
    expect(ruleCodes(errors)).toEqual(['REDB019']);
    expect(errors[0]).toContain('the databases need 12GB (db0 12GB), more than the 80% (9.6GB) of the cluster\'s 12GB (3 nodes × 4GB)');
    expect(ruleCodes(withDatabases(['4GB', true], ['2GB', false]))).toEqual(['REDB019']);
  });

  test('at 80% exactly it fits; over the whole memory it is REDB004 alone', () => {
    expect(() => {
      const app = new App();
      const chart = testChart('redis', app);
      new RedisEnterpriseDatabase(chart, 'db', { cluster: clusterIn(chart), memorySize: `${Math.floor(12 * 1024 * 0.8)}MB` });
      app.synthYaml();
    }).not.toThrow();
    expect(ruleCodes(withDatabases(['13GB', false]))).toEqual(['REDB004']);
  });
});

describe('no follow-on findings', () => {
  test('two databases with one name: REDB002, not also a port collision with itself', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      const cluster = clusterIn(chart);
      new RedisEnterpriseDatabase(chart, 'a', { cluster, name: 'orders' });
      new RedisEnterpriseDatabase(chart, 'b', { cluster, name: 'orders' });
    });
    expect(ruleCodes(errors)).toEqual(['REDB002']);
  });

  test('negative node memory: REC006 only, no negative cluster capacity', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      const cluster = new RedisEnterpriseCluster(chart, 'rec', { nodeResources: { limits: { memory: '-4Gi' } } });
      new RedisEnterpriseDatabase(chart, 'db', { cluster });
    });
    expect(ruleCodes(errors)).toEqual(['REC006']);
  });

  test('a negative database size: REDB003 only', () => {
    const errors = validationErrors((app) => {
      const chart = testChart('redis', app);
      const cluster = clusterIn(chart);
      new RedisEnterpriseDatabase(chart, 'db', { cluster, memorySize: '-512Mi' });
      new RedisEnterpriseDatabase(chart, 'big', { cluster, memorySize: '9GB', port: 10001 });
    });
    expect(ruleCodes(errors)).toEqual(['REDB003']);
  });
});
