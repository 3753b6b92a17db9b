import { Chart, Testing } from 'cdk8s';
import {
  addEndpointExposure,
  addExternalAccessGateway,
  databaseHost,
  ExposedEndpoint,
  ExposureContext,
  ExternalAccessMethod,
  ExternalAccessProps,
  IngressController,
} from '../../../lib/networking';
import { expectSchemaValid } from '../../support/schema';

const LABELS = { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec1' };

function ctx(access: Partial<ExternalAccessProps> & { method: ExternalAccessMethod }): ExposureContext {
  return {
    namespace: 'redis',
    clusterName: 'rec1',
    labels: LABELS,
    access: { apiFqdn: 'api.rec1.example.com', dbFqdnSuffix: '.db.rec1.example.com', ...access },
  };
}

const API: ExposedEndpoint = { name: 'rec1-api', host: 'api.rec1.example.com', serviceName: 'rec1', servicePort: 9443 };

/** The cluster's gateway (if any), the API and one database, as the cluster and database constructs call them. */
function synth(c: ExposureContext, endpoints: ExposedEndpoint[] = [API, dbEndpoint(c)]): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: c.namespace });
  addExternalAccessGateway(chart, c);
  endpoints.forEach((e, i) => addEndpointExposure(chart, `Exposure${i}`, c, e));
  return Testing.synth(chart);
}

function dbEndpoint(c: ExposureContext): ExposedEndpoint {
  return { name: 'db1', host: databaseHost(c.access, 'db1'), serviceName: 'db1', servicePort: 12000, servicePortName: 'redis' };
}

function only(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('method INGRESS', () => {
  test('NGINX: class nginx, passthrough and HTTPS backend annotations, one host rule per endpoint', () => {
    const objects = synth(ctx({ method: ExternalAccessMethod.INGRESS, ingressController: IngressController.NGINX }));
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'networking.k8s.io/v1 Ingress rec1-api',
      'networking.k8s.io/v1 Ingress db1',
    ]);
    const api = only(objects, 'Ingress', 'rec1-api');
    expect(api.metadata).toEqual({
      name: 'rec1-api',
      namespace: 'redis',
      labels: LABELS,
      annotations: {
        'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
        'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      },
    });
    expect(api.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{
        host: 'api.rec1.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'rec1', port: { number: 9443 } } } }] },
      }],
    });
    // Passthrough: the controller holds no certificate.
    expect(api.spec.tls).toBeUndefined();
    const db = only(objects, 'Ingress', 'db1');
    expect(db.spec.rules[0].host).toBe('db1.db.rec1.example.com');
    expect(db.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'db1', port: { number: 12000 } });
    expectSchemaValid(objects);
  });

  test.each([['by default', undefined], ['named', IngressController.HAPROXY]])('HAProxy %s: class haproxy and haproxy.org/ssl-passthrough only', (_, ingressController) => {
    const objects = synth(ctx({ method: ExternalAccessMethod.INGRESS, ingressController }));
    expect(objects).toHaveLength(2);
    for (const ing of objects) {
      expect(ing.spec.ingressClassName).toBe('haproxy');
      expect(ing.metadata.annotations).toEqual({ 'haproxy.org/ssl-passthrough': 'true' });
    }
    expectSchemaValid(objects);
  });

  test('explicit NGINX, a custom class and user annotations (library annotations kept)', () => {
    const objects = synth(ctx({
      method: ExternalAccessMethod.INGRESS,
      ingressController: IngressController.NGINX,
      ingressClassName: 'nginx-external',
      annotations: { 'external-dns.alpha.kubernetes.io/ttl': '60', 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
    }));
    const api = only(objects, 'Ingress', 'rec1-api');
    expect(api.spec.ingressClassName).toBe('nginx-external');
    expect(api.metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/ttl': '60',
      'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
    });
    expectSchemaValid(objects);
  });

  test('no gateway object for ingress', () => {
    const chart = new Chart(Testing.app(), 'test');
    addExternalAccessGateway(chart, ctx({ method: ExternalAccessMethod.INGRESS }));
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('a "-" suffix gives <db>-suffix hosts', () => {
    const c = ctx({ method: ExternalAccessMethod.INGRESS, dbFqdnSuffix: '-db.rec1.example.com' });
    const db = only(synth(c), 'Ingress', 'db1');
    expect(db.spec.rules[0].host).toBe('db1-db.rec1.example.com');
  });
});

describe('method ISTIO', () => {
  test('one Gateway (443 TLS PASSTHROUGH, API host and database wildcard) and a VirtualService per endpoint', () => {
    const objects = synth(ctx({ method: ExternalAccessMethod.ISTIO }));
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'networking.istio.io/v1 Gateway rec1-gateway',
      'networking.istio.io/v1 VirtualService rec1-api',
      'networking.istio.io/v1 VirtualService db1',
    ]);
    const gw = only(objects, 'Gateway', 'rec1-gateway');
    expect(gw.metadata).toEqual({ name: 'rec1-gateway', namespace: 'redis', labels: LABELS });
    expect(gw.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{
        port: { number: 443, name: 'tls-passthrough', protocol: 'TLS' },
        hosts: ['api.rec1.example.com', '*.db.rec1.example.com'],
        tls: { mode: 'PASSTHROUGH' },
      }],
    });
    const api = only(objects, 'VirtualService', 'rec1-api');
    expect(api.metadata).toEqual({ name: 'rec1-api', namespace: 'redis', labels: LABELS });
    expect(api.spec).toEqual({
      hosts: ['api.rec1.example.com'],
      gateways: ['rec1-gateway'],
      tls: [{
        match: [{ port: 443, sniHosts: ['api.rec1.example.com'] }],
        route: [{ destination: { host: 'rec1.redis.svc.cluster.local', port: { number: 9443 } } }],
      }],
    });
    const db = only(objects, 'VirtualService', 'db1');
    expect(db.spec.tls[0].match[0].sniHosts).toEqual(['db1.db.rec1.example.com']);
    expect(db.spec.tls[0].route[0].destination).toEqual({ host: 'db1.redis.svc.cluster.local', port: { number: 12000 } });
    expectSchemaValid(objects);
  });

  test('custom gateway selector, cluster domain and annotations (on VirtualServices, not the Gateway)', () => {
    const c: ExposureContext = {
      ...ctx({ method: ExternalAccessMethod.ISTIO, istioGatewaySelector: { app: 'istio-ingress' }, annotations: { 'example.com/owner': 'team-a' } }),
      clusterDomain: 'corp.internal',
    };
    const objects = synth(c);
    expect(only(objects, 'Gateway', 'rec1-gateway').spec.selector).toEqual({ app: 'istio-ingress' });
    expect(only(objects, 'Gateway', 'rec1-gateway').metadata.annotations).toBeUndefined();
    const api = only(objects, 'VirtualService', 'rec1-api');
    expect(api.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
    expect(api.spec.tls[0].route[0].destination.host).toBe('rec1.redis.svc.corp.internal');
    expectSchemaValid(objects);
  });

  test('every VirtualService host is covered by a Gateway host', () => {
    const objects = synth(ctx({ method: ExternalAccessMethod.ISTIO }));
    const gwHosts: string[] = only(objects, 'Gateway', 'rec1-gateway').spec.servers[0].hosts;
    const covered = (h: string) => gwHosts.some((g) => g === h || (g.startsWith('*.') && h.endsWith(g.slice(1)) && !h.slice(0, -g.length + 1).includes('.')));
    for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
      expect(vs.spec.hosts.every(covered)).toBe(true);
    }
  });
});

describe('method OPENSHIFT_ROUTE', () => {
  test('a passthrough Route per endpoint, by port number or name', () => {
    const objects = synth(ctx({ method: ExternalAccessMethod.OPENSHIFT_ROUTE, annotations: { 'haproxy.router.openshift.io/timeout': '1h' } }));
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'route.openshift.io/v1 Route rec1-api',
      'route.openshift.io/v1 Route db1',
    ]);
    const api = only(objects, 'Route', 'rec1-api');
    expect(api.metadata).toEqual({ name: 'rec1-api', namespace: 'redis', labels: LABELS, annotations: { 'haproxy.router.openshift.io/timeout': '1h' } });
    expect(api.spec).toEqual({
      host: 'api.rec1.example.com',
      to: { kind: 'Service', name: 'rec1', weight: 100 },
      port: { targetPort: 9443 },
      tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'None' },
    });
    const db = only(objects, 'Route', 'db1');
    expect(db.spec.host).toBe('db1.db.rec1.example.com');
    expect(db.spec.port).toEqual({ targetPort: 'redis' });
    expectSchemaValid(objects);
  });

  test('no gateway object for routes', () => {
    const chart = new Chart(Testing.app(), 'test');
    addExternalAccessGateway(chart, ctx({ method: ExternalAccessMethod.OPENSHIFT_ROUTE }));
    expect(Testing.synth(chart)).toEqual([]);
  });
});

test('an unknown method emits nothing (validation reports it)', () => {
  const objects = synth(ctx({ method: 'nodePort' as ExternalAccessMethod }));
  expect(objects).toEqual([]);
});

test('output is deterministic', () => {
  for (const method of Object.values(ExternalAccessMethod)) {
    expect(JSON.stringify(synth(ctx({ method })))).toBe(JSON.stringify(synth(ctx({ method }))));
  }
});

test('the caller\'s label and annotation maps are not shared with the output', () => {
  const annotations = { 'example.com/a': 'b' };
  const c = ctx({ method: ExternalAccessMethod.INGRESS, annotations });
  const objects = synth(c);
  objects[0].metadata.labels.extra = 'x';
  objects[0].metadata.annotations.extra = 'x';
  expect(LABELS).not.toHaveProperty('extra');
  expect(annotations).toEqual({ 'example.com/a': 'b' });
});
