import { Chart, Testing } from 'cdk8s';
import {
  addEndpointExposure,
  addExternalAccessGateway,
  ExternalAccessMethod,
  ExternalAccessProps,
  IngressController,
  validateExternalAccess,
} from '../../../lib/networking';
import { FindingSeverity } from '../../../lib/validation/finding';
import { validateObjects } from '../../support/schema';

const BASE: ExternalAccessProps = { method: ExternalAccessMethod.INGRESS, apiFqdn: 'api.rec1.example.com', dbFqdnSuffix: '.db.rec1.example.com' };

function findings(overrides: Partial<Record<keyof ExternalAccessProps, unknown>>) {
  return validateExternalAccess({ ...BASE, ...overrides } as ExternalAccessProps, 'rec1');
}

function codes(overrides: Partial<Record<keyof ExternalAccessProps, unknown>>): string[] {
  return findings(overrides).map((f) => f.code);
}

describe('valid declarations have no findings', () => {
  test.each<[string, Partial<ExternalAccessProps>]>([
    ['ingress defaults', {}],
    ['nginx with class and annotations', { ingressController: IngressController.NGINX, ingressClassName: 'nginx-ext', annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true', 'a.example.com/b': '' } }],
    ['haproxy', { ingressController: IngressController.HAPROXY, annotations: { 'haproxy.org/ssl-passthrough': 'true' } }],
    ['haproxy with an nginx annotation (not ours to police)', { ingressController: IngressController.HAPROXY, annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'false' } }],
    ['istio', { method: ExternalAccessMethod.ISTIO, istioGatewaySelector: { 'app.kubernetes.io/name': 'istio-ingressgateway' } }],
    ['route with a "-" suffix', { method: ExternalAccessMethod.OPENSHIFT_ROUTE, dbFqdnSuffix: '-db.apps.example.com', annotations: { 'haproxy.router.openshift.io/timeout': '1h' } }],
    ['route with an nginx-looking annotation', { method: ExternalAccessMethod.OPENSHIFT_ROUTE, annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'false' } }],
  ])('%s', (_, overrides) => {
    expect(findings(overrides)).toEqual([]);
  });
});

describe('each rule', () => {
  test.each<[string, string, Partial<Record<keyof ExternalAccessProps, unknown>>]>([
    ['RENET001', 'apiFqdn with capitals', { apiFqdn: 'API.example.com' }],
    ['RENET001', 'single-label apiFqdn', { apiFqdn: 'api' }],
    ['RENET001', 'IP address', { apiFqdn: '10.0.0.1' }],
    ['RENET001', 'wildcard apiFqdn', { apiFqdn: '*.example.com' }],
    ['RENET001', 'URL instead of host', { apiFqdn: 'https://api.example.com' }],
    ['RENET001', 'label over 63 characters', { apiFqdn: `${'a'.repeat(64)}.example.com` }],
    ['RENET001', 'missing apiFqdn', { apiFqdn: undefined }],
    ['RENET002', 'suffix without leading . or -', { dbFqdnSuffix: 'db.example.com' }],
    ['RENET002', 'suffix with a double dot', { dbFqdnSuffix: '..example.com' }],
    ['RENET002', 'suffix with no domain', { dbFqdnSuffix: '-db' }],
    ['RENET002', 'suffix with a wildcard', { dbFqdnSuffix: '.*.example.com' }],
    ['RENET002', 'missing suffix', { dbFqdnSuffix: undefined }],
    ['RENET003', 'istio with a "-" suffix', { method: ExternalAccessMethod.ISTIO, dbFqdnSuffix: '-db.example.com' }],
    ['RENET004', 'ingressController with istio', { method: ExternalAccessMethod.ISTIO, ingressController: IngressController.NGINX }],
    ['RENET004', 'ingressClassName with a route', { method: ExternalAccessMethod.OPENSHIFT_ROUTE, ingressClassName: 'nginx' }],
    ['RENET004', 'istioGatewaySelector with ingress', { istioGatewaySelector: { istio: 'ingressgateway' } }],
    ['RENET005', 'invalid annotation key', { annotations: { 'bad key': 'x' } }],
    ['RENET005', 'annotation key with an invalid prefix', { annotations: { 'Example.com/x': 'y' } }],
    ['RENET005', 'non-string annotation value', { annotations: { 'example.com/x': true } }],
    ['RENET005', 'annotations not a map', { annotations: 'x=y' }],
    ['RENET006', 'nginx passthrough turned off', { ingressController: IngressController.NGINX, annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'false' } }],
    ['RENET006', 'nginx backend protocol changed', { ingressController: IngressController.NGINX, annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP' } }],
    ['RENET006', 'haproxy passthrough turned off', { ingressController: IngressController.HAPROXY, annotations: { 'haproxy.org/ssl-passthrough': 'false' } }],
    ['RENET006', 'haproxy (the default) passthrough turned off', { annotations: { 'haproxy.org/ssl-passthrough': 'false' } }],
    ['RENET007', 'unknown method', { method: 'loadBalancer' }],
    ['RENET007', 'unknown controller', { ingressController: 'traefik' }],
    ['RENET008', 'invalid ingress class', { ingressClassName: 'Nginx_Class' }],
    ['RENET009', 'empty gateway selector', { method: ExternalAccessMethod.ISTIO, istioGatewaySelector: {} }],
    ['RENET009', 'invalid gateway selector label', { method: ExternalAccessMethod.ISTIO, istioGatewaySelector: { istio: 'ingress gateway' } }],
  ])('%s: %s', (code, _, overrides) => {
    const found = findings(overrides);
    expect(found.map((f) => f.code)).toEqual([code]);
    const f = found[0];
    expect(f.severity).toBe(FindingSeverity.ERROR);
    expect(f.field).toMatch(/^externalAccess/);
    expect(f.message.length).toBeGreaterThan(10);
    expect(f.fix.length).toBeGreaterThan(10);
  });

  test('RENET010 (warning): the API host is what a database would be called', () => {
    const found = findings({ apiFqdn: 'api.db.rec1.example.com' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'RENET010', severity: FindingSeverity.WARNING, field: 'externalAccess.apiFqdn' });
    expect(found[0].message).toContain('"api"');
    // Deeper below the suffix is no database host: no warning.
    expect(findings({ apiFqdn: 'x.api.db.rec1.example.com' })).toEqual([]);
  });

  test('a value that is not an object', () => {
    expect(validateExternalAccess(undefined as unknown as ExternalAccessProps, 'rec1').map((f) => f.code)).toEqual(['RENET007']);
  });

  test('all findings at once', () => {
    expect(codes({
      method: ExternalAccessMethod.ISTIO,
      apiFqdn: 'API',
      dbFqdnSuffix: 'db',
      ingressController: IngressController.HAPROXY,
      annotations: { '-bad': 'x' },
    }).sort()).toEqual(['RENET001', 'RENET002', 'RENET004', 'RENET005']);
  });

  test('the message names the offending value', () => {
    expect(findings({ apiFqdn: 'API.example.com' })[0].message).toContain('"API.example.com"');
    expect(findings({ method: ExternalAccessMethod.ISTIO, dbFqdnSuffix: '-db.example.com' })[0].fix).toContain('".db.example.com"');
  });
});

test('every declaration without error findings synthesizes schema-valid objects (sampled)', () => {
  const methods = Object.values(ExternalAccessMethod);
  const suffixes = ['.db.example.com', '-db.example.com', '.x.y.z.example.org'];
  for (const method of methods) {
    for (const dbFqdnSuffix of suffixes) {
      const access: ExternalAccessProps = { method, apiFqdn: 'api.example.com', dbFqdnSuffix };
      if (validateExternalAccess(access, 'rec').some((f) => f.severity === FindingSeverity.ERROR)) continue;
      const chart = new Chart(Testing.app(), 'test');
      const ctx = { namespace: 'ns', clusterName: 'rec', labels: {}, access };
      addExternalAccessGateway(chart, ctx);
      addEndpointExposure(chart, 'A', ctx, { name: 'rec-api', host: access.apiFqdn, serviceName: 'rec', servicePort: 9443 });
      addEndpointExposure(chart, 'B', ctx, { name: 'db', host: `db${dbFqdnSuffix}`, serviceName: 'db', servicePort: 10001 });
      expect(validateObjects(Testing.synth(chart))).toEqual([]);
    }
  }
});

test('the schema check does see mistakes in these CRD kinds (strictness guard)', () => {
  const chart = new Chart(Testing.app(), 'test');
  const ctx = { namespace: 'ns', clusterName: 'rec', labels: {}, access: { ...BASE, method: ExternalAccessMethod.ISTIO } };
  addExternalAccessGateway(chart, ctx);
  addEndpointExposure(chart, 'A', ctx, { name: 'rec-api', host: 'api.rec1.example.com', serviceName: 'rec', servicePort: 9443 });
  const [gw, vs] = Testing.synth(chart);
  gw.spec.servers[0].tls.mode = 'PASSTHRU';
  vs.spec.tls[0].rout = vs.spec.tls[0].route;
  const found = validateObjects([gw, vs]);
  expect(found.some((f) => f.kind === 'Gateway')).toBe(true);
  expect(found.some((f) => f.kind === 'VirtualService')).toBe(true);
});
