import * as fc from 'fast-check';
import { k8s } from 'cdk8s-plus-28';
import {
  ExternalAccessMethod, IngressController, LdapProtocol, RedisEnterpriseCluster, RedisEnterpriseClusterProps,
} from '../../../lib';
import { setWarningSink } from '../../../lib/validation/register';
import { validateObjects, formatSchemaFinding } from '../../support/schema';
import { configurePropertySeed } from '../../support/property-seed';
import { clusterErrors, expectFindingsOrYaml, ruleCodes, synthCluster, testChart } from '../../support/synth';

// Fixed seed unless FC_SEED says otherwise: a failure found once is found again on every run (each property states its numRuns).
configurePropertySeed('cluster/properties');

const NAMESPACE = 'prop-ns';
/**
 * The longest valid cluster name, from the two limits the README states: its
 * longest derived name `<rec>-desired-state` is a DNS label (63), and the
 * bootstrap FQDN `<rec>.<namespace>.svc.cluster.local` has at most 64 characters.
 */
const MAX_NAME = Math.min(63 - '-desired-state'.length, 64 - `.${NAMESPACE}.svc.cluster.local`.length);
const labelOf = (length: number) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9-]{${length - 2}}[a-z0-9]$`));
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const clusterName = fc.oneof(dnsLabel, labelOf(MAX_NAME), fc.integer({ min: MAX_NAME - 5, max: MAX_NAME }).chain(labelOf));
const host = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const secretName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const memoryGi = fc.integer({ min: 1, max: 64 });
/** Odd node counts up to the maximum of 99. */
const nodeCount = fc.oneof(fc.constantFrom(3, 5, 7, 99), fc.integer({ min: 1, max: 49 }).map((k) => 2 * k + 1));
const ZONE = 'topology.kubernetes.io/zone';
const minors = fc.integer({ min: 30, max: 36 });

/** Every method, with only the options of that method; the API host is never under the database suffix (RENET010). */
const externalAccess = fc.record({
  method: fc.constantFrom(...Object.values(ExternalAccessMethod)),
  cluster: host,
  dashSuffix: fc.boolean(),
  controller: fc.option(fc.constantFrom(...Object.values(IngressController)), { nil: undefined }),
  ingressClassName: fc.option(fc.constantFrom('haproxy-external', 'nginx-internal'), { nil: undefined }),
  selector: fc.option(fc.constantFrom<Record<string, string>>({ istio: 'ingressgateway' }, { app: 'gateway', tier: 'edge' }), { nil: undefined }),
  annotations: fc.option(fc.constant({ 'external-dns.alpha.kubernetes.io/ttl': '60' }), { nil: undefined }),
}).map((a) => ({
  method: a.method,
  apiFqdn: `api.${a.cluster}.example.com`,
  // Istio needs a '.' suffix (RENET003); the others also take the operator's older '-' style.
  dbFqdnSuffix: a.dashSuffix && a.method !== ExternalAccessMethod.ISTIO ? `-db.${a.cluster}.example.com` : `.db.${a.cluster}.example.com`,
  ...(a.method === ExternalAccessMethod.INGRESS ? { ingressController: a.controller, ingressClassName: a.ingressClassName } : {}),
  ...(a.method === ExternalAccessMethod.ISTIO ? { istioGatewaySelector: a.selector } : {}),
  annotations: a.annotations,
}));

/** Scrape settings only with the ServiceMonitor, and the timeout within the interval (REMON002, REMON005). */
const monitoring = fc.record({
  serviceMonitor: fc.boolean(),
  prometheusRules: fc.boolean(),
  intervalS: fc.integer({ min: 5, max: 300 }),
  timeoutShare: fc.option(fc.double({ min: 0.1, max: 1, noNaN: true }), { nil: undefined }),
  tls: fc.boolean(),
  labels: fc.option(fc.constant({ release: 'prometheus' }), { nil: undefined }),
}).filter((m) => m.serviceMonitor || m.prometheusRules).map((m) => ({
  serviceMonitor: m.serviceMonitor,
  prometheusRules: m.prometheusRules,
  labels: m.labels,
  ...(m.serviceMonitor ? {
    scrapeInterval: `${m.intervalS}s`,
    scrapeTimeout: m.timeoutShare === undefined ? undefined : `${Math.max(1, Math.floor(m.intervalS * m.timeoutShare))}s`,
    ...(m.tls ? { tlsCaSecretName: 'metrics-ca', tlsServerName: 'rec-prom.prop-ns.svc' } : {}),
  } : {}),
}));

const certificates = fc.record({
  apiCertificateSecretName: secretName, proxyCertificateSecretName: secretName, syncerCertificateSecretName: secretName,
  uiCertificateSecretName: secretName, metricsCertificateSecretName: secretName,
}, { requiredKeys: [] });

/** Encrypted LDAP only (REC019 refuses plain LDAP). */
const ldap = fc.record({
  protocol: fc.constantFrom(LdapProtocol.LDAPS, LdapProtocol.STARTTLS),
  servers: fc.array(fc.record({ host: host.map((h) => `${h}.ldap.example.com`), port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
  bindCredentialsSecretName: secretName,
  caCertificateSecretName: fc.option(secretName, { nil: undefined }),
  authenticationQueryTemplate: fc.constantFrom('cn=%u,ou=people,dc=example,dc=com', 'uid=%u,dc=corp'),
  authorizationAttribute: fc.constantFrom('memberOf', 'isMemberOf'),
  enabledForControlPlane: fc.option(fc.boolean(), { nil: undefined }),
  enabledForDataPlane: fc.option(fc.boolean(), { nil: undefined }),
});

const autoTiering = fc.record({
  storageClassName: fc.constantFrom('local-nvme', 'fast-ssd'),
  flashDiskSize: fc.option(fc.integer({ min: 1, max: 4096 }).map((g) => `${g}Gi`), { nil: undefined }),
});

const toleration: fc.Arbitrary<k8s.Toleration> = fc.oneof(
  fc.record({ key: fc.constantFrom('dedicated', 'example.com/redis'), operator: fc.constant('Equal'), value: host, effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule') }),
  fc.record({ key: fc.constant('node.kubernetes.io/unreachable'), operator: fc.constant('Exists'), effect: fc.constant('NoExecute'), tolerationSeconds: fc.integer({ min: 0, max: 3600 }) }),
);

/**
 * Random props that satisfy every rule, each precondition met by
 * construction: volume at least 5 × memory (REC004), rack settings only with
 * a rack label (REC023), at least 3 racks so no rack holds a majority
 * (REC021), `rackIdFromNodeApi: false` only for the zone label from 1.35 (REC009, REC024).
 */
const validProps: fc.Arbitrary<RedisEnterpriseClusterProps> = fc.record({
  name: clusterName,
  nodes: nodeCount,
  memory: memoryGi,
  cpu: fc.constantFrom('500m', '1', '2', '4', '16'),
  sizeFactor: fc.integer({ min: 5, max: 20 }),
  storageClassName: fc.option(fc.constantFrom('gp3', 'premium-rwo', 'ceph-rbd', 'managed-csi'), { nil: undefined }),
  rack: fc.option(fc.constantFrom(ZONE, 'example.com/rack'), { nil: undefined }),
  fromNodeApi: fc.option(fc.boolean(), { nil: undefined }),
  minimumRacks: fc.option(fc.integer({ min: 3, max: 12 }), { nil: undefined }),
  minor: fc.option(minors, { nil: undefined }),
  labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.stringMatching(/^[a-z0-9]{0,10}$/), { maxKeys: 3 }),
  grace: fc.option(fc.integer({ min: 0, max: 31536000 }), { nil: undefined }),
  tolerations: fc.option(fc.array(toleration, { maxLength: 3 }), { nil: undefined }),
  externalAccess: fc.option(externalAccess, { nil: undefined }),
  monitoring: fc.option(monitoring, { nil: undefined }),
  certificates: fc.option(certificates, { nil: undefined }),
  ldap: fc.option(ldap, { nil: undefined }),
  autoTiering: fc.option(autoTiering, { nil: undefined }),
  internodeEncryption: fc.option(fc.boolean(), { nil: undefined }),
}).map((r) => {
  const minor = r.minor ?? 30;
  const pickedFromPod = r.rack === ZONE && minor >= 35 && r.fromNodeApi === false;
  return {
    name: r.name,
    nodes: r.nodes,
    nodeResources: { limits: { cpu: r.cpu, memory: `${r.memory}Gi` } },
    persistence: { storageClassName: r.storageClassName, volumeSize: `${r.memory * r.sizeFactor}Gi` },
    rackAwarenessNodeLabel: r.rack,
    rackIdFromNodeApi: r.rack === undefined || r.fromNodeApi === undefined ? undefined : (pickedFromPod ? false : true),
    minimumRacks: r.rack === undefined ? undefined : r.minimumRacks,
    kubernetesVersion: r.minor === undefined ? undefined : `1.${r.minor}`,
    extraLabels: r.labels,
    terminationGracePeriodSeconds: r.grace,
    tolerations: r.tolerations,
    externalAccess: r.externalAccess,
    monitoring: r.monitoring,
    certificates: r.certificates,
    ldap: r.ldap,
    autoTiering: r.autoTiering,
    internodeEncryption: r.internodeEncryption,
  };
});

/** Mutations that each break one rule, applied to valid props; `n` is a random integer for the breakers that need one. */
const breakers: Array<[string, (p: RedisEnterpriseClusterProps, n: number) => RedisEnterpriseClusterProps]> = [
  ['REC001', (p, n) => ({ ...p, nodes: 2 * (n % 14) - 3 + 1 })], // even, from -2 to 24
  ['REC001', (p, n) => ({ ...p, nodes: 101 + 2 * n })], // odd, above the maximum
  ['REC002', (p) => ({ ...p, persistence: { ...p.persistence, enabled: false } })],
  ['REC003', (p) => ({ ...p, persistence: { ...p.persistence, storageClassName: 'local-path' } })],
  ['REC004', (p) => ({ ...p, persistence: { ...p.persistence, volumeSize: '1Mi' } })],
  ['REC005', (p) => ({ ...p, name: `${p.name}`.toUpperCase() + '_' })],
  ['REC005', (p) => ({ ...p, name: `${'r'.repeat(63 - '-desired-state'.length)}x` })],
  ['REC030', (p) => ({ ...p, name: `${'r'.repeat(MAX_NAME)}x` })],
  ['REC006', (p) => ({ ...p, nodeResources: { limits: { ...p.nodeResources?.limits, cpu: 'lots' } } })],
  ['REC009', (p) => ({ ...p, rackAwarenessNodeLabel: '' })],
  ['REC012', (p) => ({ ...p, extraLabels: { app: 'mine' } })],
  ['REC014', (p) => ({ ...p, terminationGracePeriodSeconds: -5 })],
  ['REC018', (p) => ({ ...p, certificates: { ...p.certificates, proxyCertificateSecretName: 'Not_A_Secret' } })],
  ['REC019', (p, n) => ({ ...p, ldap: { ...(p.ldap ?? ldapSample), protocol: LdapProtocol.LDAP, servers: [{ host: `ldap${n}.example.com` }] } })],
  ['REC020', (p) => ({ ...p, autoTiering: { storageClassName: 'fast-ssd', flashDiskSize: 'lots' } })],
  ['REC022', (p, n) => ({ ...p, kubernetesVersion: `1.${n % 2 === 0 ? 29 - (n % 10) : 37 + (n % 10)}` })],
  ['REC023', (p, n) => ({ ...p, rackAwarenessNodeLabel: undefined, rackIdFromNodeApi: undefined, minimumRacks: 1 + (n % 5) })],
  ['RENET001', (p) => ({ ...p, externalAccess: { method: ExternalAccessMethod.INGRESS, apiFqdn: 'not a host', dbFqdnSuffix: '.db.example.com' } })],
  ['REMON002', (p) => ({ ...p, monitoring: { serviceMonitor: true, scrapeInterval: '30s', scrapeTimeout: '1m' } })],
];
const ldapSample = {
  protocol: LdapProtocol.LDAPS, servers: [{ host: 'ldap.example.com' }], bindCredentialsSecretName: 'ldap-bind',
  authenticationQueryTemplate: 'cn=%u,dc=example,dc=com', authorizationAttribute: 'memberOf',
};

/** Runs `body` with warnings collected instead of written to stderr. */
function collectingWarnings<T>(body: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const previous = setWarningSink((line) => warnings.push(line));
  try {
    return { result: body(), warnings };
  } finally {
    setWarningSink(previous);
  }
}

describe('property: random declarations', () => {
  test('valid props of every family give no finding, not even a warning, and schema-valid YAML on 1.28 and 1.36', () => {
    fc.assert(fc.property(validProps, (props) => {
      const { result: objects, warnings } = collectingWarnings(() => synthCluster(props, NAMESPACE));
      expect(warnings).toEqual([]);
      const findings = validateObjects(objects);
      if (findings.length > 0) throw new Error(findings.map(formatSchemaFinding).join('\n'));
      // What the props ask for, checked against the objects (not against the library's own derivations).
      const sts = objects.find((o) => o.kind === 'StatefulSet');
      expect([sts.metadata.name, sts.spec.replicas]).toEqual([props.name, props.nodes]);
      expect(sts.spec.template.spec.tolerations ?? []).toEqual(props.tolerations ?? []);
      expect(objects.some((o) => o.kind === 'ServiceMonitor')).toBe(props.monitoring?.serviceMonitor === true);
      expect(objects.some((o) => o.kind === 'PrometheusRule')).toBe(props.monitoring?.prometheusRules === true);
      const claims = sts.spec.volumeClaimTemplates.map((c: any) => c.metadata.name).sort();
      expect(claims).toEqual(props.autoTiering ? ['redis-enterprise-flash', 'redis-enterprise-storage'] : ['redis-enterprise-storage']);
      const exposure = objects.filter((o) => ['Ingress', 'VirtualService', 'Route'].includes(o.kind)).map((o) => o.kind);
      expect(new Set(exposure)).toEqual(new Set(props.externalAccess ? [{
        [ExternalAccessMethod.INGRESS]: 'Ingress', [ExternalAccessMethod.ISTIO]: 'VirtualService', [ExternalAccessMethod.OPENSHIFT_ROUTE]: 'Route',
      }[props.externalAccess.method]] : []));
    }), { numRuns: 150 });
  });

  test('one broken rule gives a validation error with exactly that rule code, never another exception', () => {
    fc.assert(fc.property(validProps, fc.constantFrom(...breakers), fc.nat(1000), (props, [code, breakIt], n) => {
      expect(ruleCodes(collectingWarnings(() => clusterErrors(breakIt(props, n), NAMESPACE)).result)).toEqual([code]);
    }), { numRuns: 200 });
  });

  test('arbitrary junk in props never escapes as a TypeError', () => {
    const junk = fc.anything({ maxDepth: 2 });
    fc.assert(fc.property(fc.record({ nodes: junk, name: junk, persistence: junk, nodeResources: junk, extraLabels: junk }, { requiredKeys: [] }), (raw) => {
      try {
        synthCluster(raw as unknown as RedisEnterpriseClusterProps, 'junk');
      } catch (e) {
        const message = (e as Error).message;
        if (!/^Validation failed with the following errors:/.test(message)) {
          throw new Error(`unexpected ${(e as Error).name}: ${message}`);
        }
      }
    }), { numRuns: 150 });
  });

  test('junk as the whole props, or under any prop name, never escapes as a TypeError', () => {
    const keys = fc.constantFrom('nodes', 'name', 'namespace', 'persistence', 'nodeResources', 'externalAccess', 'monitoring', 'ldap',
      'certificates', 'autoTiering', 'tolerations', 'extraEnv', 'replicas', 'storageClass');
    const props = fc.oneof(fc.anything(), fc.dictionary(keys, fc.anything({ maxDepth: 2 }), { maxKeys: 5 }));
    fc.assert(fc.property(props, fc.boolean(), (raw, inChart) => {
      expectFindingsOrYaml((app) => new RedisEnterpriseCluster(inChart ? testChart('junk', app) : app, 'rec', raw as RedisEnterpriseClusterProps));
    }), { numRuns: 200 });
  });
});

