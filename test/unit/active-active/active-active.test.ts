import { App, Chart, Testing } from 'cdk8s';
import { activeActiveApp } from '../../../examples/active-active';
import {
  DatabaseType, ExternalAccessMethod, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster, RedisEnterpriseDatabase,
  RedisEnterpriseRemoteCluster, TlsMode,
} from '../../../lib';
import { expectSchemaValid } from '../../support/schema';
import { findObject, ruleCodes, validationErrors } from '../../support/synth';

const desired = (objects: any[], rec: string) => JSON.parse(findObject(objects, 'ConfigMap', `${rec}-desired-state`).data['desired-state.json']);

describe('Active-Active across two Kubernetes clusters (the example)', () => {
  const app = Testing.app();
  const { east, west } = activeActiveApp(app, { eastNamespace: 'east', westNamespace: 'west' });
  const eastObjects = east.toJson();
  const westObjects = west.toJson();

  test('each participant chart gets the database Services in its own namespace', () => {
    for (const [objects, ns] of [[eastObjects, 'east'], [westObjects, 'west']] as const) {
      expect(findObject(objects, 'Service', 'carts').metadata.namespace).toBe(ns);
      expect(findObject(objects, 'Service', 'carts-headless').spec.clusterIP).toBe('None');
    }
  });

  test('the replication endpoint is exposed through each cluster\'s own method', () => {
    const ingress = findObject(eastObjects, 'Ingress', 'carts');
    expect(ingress.spec.rules[0].host).toBe('carts.db.rec-east.example.com');
    const vs = findObject(westObjects, 'VirtualService', 'carts');
    expect(vs.spec.tls[0].match[0].sniHosts).toEqual(['carts.db.rec-west.example.com']);
  });

  test('each desired state lists every participant (local flagged) and the database with the same port', () => {
    const e = desired(eastObjects, 'rec-east');
    const w = desired(westObjects, 'rec-west');
    expect(e.remoteClusters).toEqual([
      { name: 'eu-west', recName: 'rec-west', recNamespace: 'west', apiFqdn: 'api.rec-west.example.com', apiPort: 443,
        dbFqdnSuffix: '.db.rec-west.example.com', credentialsSecretName: 'redis-enterprise-eu-west', local: false },
      { name: 'us-east', recName: 'rec-east', recNamespace: 'east', apiFqdn: 'api.rec-east.example.com', apiPort: 443,
        dbFqdnSuffix: '.db.rec-east.example.com', credentialsSecretName: 'redis-enterprise-us-east', local: true },
    ]);
    expect(w.remoteClusters.find((r: any) => r.local).name).toBe('eu-west');
    expect(e.activeActiveDatabases).toHaveLength(1);
    expect(e.activeActiveDatabases[0]).toMatchObject({
      name: 'carts', participants: ['eu-west', 'us-east'], tlsMode: 'enabled', replication: true,
      externalHostname: 'carts.db.rec-east.example.com', passwordSecretName: 'carts-password',
    });
    expect(w.activeActiveDatabases[0].port).toBe(e.activeActiveDatabases[0].port);
    expect(w.activeActiveDatabases[0].externalHostname).toBe('carts.db.rec-west.example.com');
  });

  test('all objects are schema-valid, CRDs included', () => {
    expectSchemaValid([...eastObjects, ...westObjects]);
  });
});

function twoClusters(app: App, opts: { westAccess?: boolean } = {}) {
  const access = (name: string) => ({ method: ExternalAccessMethod.OPENSHIFT_ROUTE, apiFqdn: `api.${name}.example.com`, dbFqdnSuffix: `.db.${name}.example.com` });
  const east = new RedisEnterpriseCluster(new Chart(app, 'east', { namespace: 'east' }), 'rec', { externalAccess: access('east') });
  const west = new RedisEnterpriseCluster(new Chart(app, 'west', { namespace: 'west' }), 'rec',
    opts.westAccess === false ? {} : { externalAccess: access('west') });
  return {
    east, west,
    pe: new RedisEnterpriseRemoteCluster(east, 'pe', { cluster: east, name: 'east' }),
    pw: new RedisEnterpriseRemoteCluster(west, 'pw', { cluster: west, name: 'west' }),
  };
}

describe('Active-Active validation', () => {
  test('one participant (REAADB001)', () => {
    const errors = validationErrors((app) => {
      const { east, pe } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe] });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB001']);
  });

  test('a participant without external access (REAADB002, RERC002)', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app, { westAccess: false });
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, pw] });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB002', 'RERC002']);
  });

  test('the same name twice in the app (REAADB003)', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'a', { participants: [pe, pw], name: 'carts' });
      new RedisEnterpriseActiveActiveDatabase(east, 'b', { participants: [pe, pw], name: 'carts', port: 12000 });
    });
    expect(ruleCodes(errors)).toContain('REAADB003');
  });

  test('a plain database of the same name in a participant cluster (REDB002)', () => {
    const errors = validationErrors((app) => {
      const { east, west, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'aa', { participants: [pe, pw], name: 'carts' });
      new RedisEnterpriseDatabase(west, 'plain', { cluster: west, name: 'carts', port: 12000 });
    });
    expect(ruleCodes(errors)).toEqual(['REDB002']);
  });

  test('replication without TLS (REAADB004)', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, pw], replicationTls: false, tlsMode: TlsMode.DISABLED });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB004']);
    expect(errors).toHaveLength(2);
  });

  test('a memcached Active-Active database (REAADB007)', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, pw], type: DatabaseType.MEMCACHED });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB007']);
  });

  test('an Active-Active name that is not a DNS label (REAADB008)', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, pw], name: '9carts' });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB008']);
    expect(errors[0]).toContain('(name): database name "9carts" is not a lowercase DNS-1035 label');
  });

  test('a remote cluster with a bad name, port and Secret name (RERC001)', () => {
    const errors = validationErrors((app) => {
      const { east, pw } = twoClusters(app);
      const bad = new RedisEnterpriseRemoteCluster(east, 'bad', { cluster: east, name: 'US_East', apiPort: 70000, credentialsSecretName: 'Admin Creds' });
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [bad, pw] });
    });
    expect(ruleCodes(errors)).toEqual(['RERC001']);
    expect(errors.map((e) => /\((\w+)\)/.exec(e)?.[1])).toEqual(['name', 'apiPort', 'credentialsSecretName']);
  });

  test('the same cluster twice (REAADB005)', () => {
    const errors = validationErrors((app) => {
      const { east, pe } = twoClusters(app);
      const again = new RedisEnterpriseRemoteCluster(east, 'again', { cluster: east, name: 'east-again' });
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, again] });
    });
    expect(ruleCodes(errors)).toEqual(['REAADB005']);
  });

  test('a database too big for one participant is REDB004 on that cluster only', () => {
    const errors = validationErrors((app) => {
      const { east, pe, pw } = twoClusters(app);
      new RedisEnterpriseActiveActiveDatabase(east, 'db', { participants: [pe, pw], memorySize: '13GB' });
    });
    expect(ruleCodes(errors)).toEqual(['REDB004']);
    expect(errors).toHaveLength(2);
  });
});
