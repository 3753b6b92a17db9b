/**
 * The offline schema validator every construct test relies on. If it passed
 * everything, every construct test would be vacuous, so most cases here are
 * objects that must FAIL, with the exact path and version.
 */
import {
  DEFAULT_KUBERNETES_VERSIONS,
  expectSchemaValid,
  formatSchemaFinding,
  schemaValidatorTimings,
  SchemaFinding,
  validateObjects,
} from '../support/schema';

const labels = { app: 'rec' };

function statefulSet(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'rec', namespace: 'redis', labels },
    spec: {
      serviceName: 'rec',
      replicas: 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'rec',
          containers: [
            {
              name: 'redis-enterprise-node',
              image: 'redislabs/redis:7.4.2-54',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'api', containerPort: 9443 }],
              resources: { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '500m', memory: 4294967296 } },
              volumeMounts: [{ name: 'data', mountPath: '/var/opt/redislabs/persist' }],
            },
            { name: 'reconciler', image: 'reconciler:dev' },
          ],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
      }],
    },
  };
}

function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'rec-ui', namespace: 'redis' },
    spec: { selector: labels, ports: [{ name: 'ui', port: 8443, targetPort: 8443 }, { name: 'api', port: 9443, targetPort: 'api' }] },
  };
}

function pdb(apiVersion = 'policy/v1'): any {
  return { apiVersion, kind: 'PodDisruptionBudget', metadata: { name: 'rec' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } };
}

function virtualService(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'rec-ui' },
    spec: { hosts: ['rec.example.com'], http: [{ route: [{ destination: { host: 'rec-ui', port: { number: 8443 } } }] }] },
  };
}

function serviceMonitor(): any {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'rec' },
    spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'prometheus', interval: '30s', targetPort: 8070 }] },
  };
}

const lines = (findings: SchemaFinding[]) => findings.map(formatSchemaFinding);
const on = (version: string) => ({ kubernetesVersions: [version] });

describe('valid objects', () => {
  const objects = [
    statefulSet(),
    service(),
    pdb(),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'rec' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rec' }, data: { 'redis.conf': 'x' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'rec' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rec' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rec' },
      subjects: [{ kind: 'ServiceAccount', name: 'rec' }],
    },
  ];

  test.each(['1.28.0', '1.36.0'])('built-in kinds pass on %s', (version) => {
    expect(lines(validateObjects(objects, on(version)))).toEqual([]);
  });

  test('every vendored CRD kind passes with a realistic object', () => {
    const crdObjects = [
      virtualService(),
      serviceMonitor(),
      {
        apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'rec' },
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { number: 443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' } }] },
      },
      {
        apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'rec-ui' },
        spec: { to: { kind: 'Service', name: 'rec-ui' }, port: { targetPort: 'ui' }, tls: { termination: 'passthrough' } },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'rec' },
        spec: { groups: [{ name: 'rec', rules: [{ alert: 'RecDown', expr: 'up == 0', for: '5m', labels: { severity: 'critical' } }] }] },
      },
    ];
    expect(lines(validateObjects(crdObjects))).toEqual([]);
  });

  test('validates on both default versions', () => {
    expect(DEFAULT_KUBERNETES_VERSIONS).toEqual(['1.28.0', '1.36.0']);
    const bad = statefulSet();
    bad.spec.replicas = '3';
    expect(validateObjects([bad]).map((f) => f.kubernetesVersion)).toEqual(['1.28.0', '1.36.0']);
  });
});

describe('unknown fields and wrong types', () => {
  test('a typo in a container field is reported with its path, on each version', () => {
    const sts = statefulSet();
    sts.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(lines(validateObjects([sts]))).toEqual([
      "StatefulSet/rec (k8s 1.28.0): /spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'",
      "StatefulSet/rec (k8s 1.36.0): /spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'",
    ]);
  });

  test('replicas as a string is a type error', () => {
    const sts = statefulSet();
    sts.spec.replicas = '3';
    expect(validateObjects([sts], on('1.36.0'))).toEqual([
      expect.objectContaining({ path: '/spec/replicas', rule: 'type', message: 'must be integer' }),
    ]);
  });

  test('metadata is strict too (built-in and CRD kinds)', () => {
    const svc = service();
    svc.metadata.lables = labels;
    const sm = serviceMonitor();
    sm.metadata.annotatons = {};
    expect(lines(validateObjects([svc, sm], on('1.28.0')))).toEqual([
      "Service/rec-ui (k8s 1.28.0): /metadata must NOT have additional properties 'lables'",
      "ServiceMonitor/rec (k8s 1.28.0): /metadata must NOT have additional properties 'annotatons'",
    ]);
  });

  test('a misspelt Istio VirtualService field fails at its path', () => {
    const vs = virtualService();
    vs.spec.http[0].route[0].destination.hostt = 'rec-ui';
    expect(lines(validateObjects([vs], on('1.36.0')))).toEqual([
      "VirtualService/rec-ui (k8s 1.36.0): /spec/http/0/route/0/destination must NOT have additional properties 'hostt'",
    ]);
  });

  test('a misspelt ServiceMonitor endpoint field fails at its path', () => {
    const sm = serviceMonitor();
    sm.spec.endpoints[0].intervall = '30s';
    expect(lines(validateObjects([sm], on('1.36.0')))).toEqual([
      "ServiceMonitor/rec (k8s 1.36.0): /spec/endpoints/0 must NOT have additional properties 'intervall'",
    ]);
  });

  test('CRD value constraints apply (ServiceMonitor interval pattern, Route termination enum)', () => {
    const sm = serviceMonitor();
    sm.spec.endpoints[0].interval = '30 seconds';
    const route = {
      apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r' },
      spec: { to: { kind: 'Service', name: 's' }, tls: { termination: 'Passthrough' } },
    };
    const found = validateObjects([sm, route], on('1.36.0'));
    expect(found.map((f) => [f.kind, f.path, f.rule])).toEqual([
      ['ServiceMonitor', '/spec/endpoints/0/interval', 'pattern'],
      ['Route', '/spec/tls/termination', 'enum'],
    ]);
    expect(found[1].message).toBe('must be equal to one of the allowed values: "edge", "reencrypt", "passthrough"');
  });

  // Route's spec has `anyOf: [not host-empty, not wildcardPolicy=Subdomain]`,
  // which only passes without a host because wildcardPolicy defaults to None.
  test('CRD defaults are applied before CRD rules, as the API server does', () => {
    const route = (spec: Record<string, unknown>) => ({
      apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { to: { kind: 'Service', name: 's' }, ...spec },
    });
    const original = route({});
    expect(validateObjects([original, route({ wildcardPolicy: 'Subdomain', host: 'a.example.com' })])).toEqual([]);
    expect(original.spec).not.toHaveProperty('wildcardPolicy');
    expect(validateObjects([route({ wildcardPolicy: 'Subdomain' })], on('1.36.0')).map((f) => [f.path, f.rule])).toEqual([['/spec', 'anyOf']]);
  });

  // RE2's leading (?i) is not JavaScript syntax; it must become a flag, not a crash or a skip.
  test('Go-style case-insensitive patterns work (PrometheusRule partial_response_strategy)', () => {
    const rule = (strategy: string) => ({
      apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' },
      spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ record: 'x', expr: 'up' }] }] },
    });
    expect(validateObjects([rule('ABORT'), rule('warn'), rule('')])).toEqual([]);
    expect(validateObjects([rule('ignore')], on('1.36.0')).map((f) => [f.path, f.rule])).toEqual([
      ['/spec/groups/0/partial_response_strategy', 'pattern'],
    ]);
  });

  test('a preserve-unknown-fields subtree (Istio status) is not strict, its siblings are', () => {
    const vs = virtualService();
    vs.status = { anythingGoes: { nested: true } };
    expect(validateObjects([vs])).toEqual([]);
    vs.spec.anythingGoes = true;
    expect(validateObjects([vs], on('1.36.0')).map((f) => f.path)).toEqual(['/spec']);
  });
});

describe('IntOrString and Quantity accept what Kubernetes accepts', () => {
  const withLimit = (memory: unknown) => {
    const sts = statefulSet();
    sts.spec.template.spec.containers[0].resources.limits.memory = memory;
    return sts;
  };

  test.each(['4Gi', '4096Mi', '4G', '500m', '1e3', '1.5Gi', '.5', '+1k', 4294967296, 0.5])('quantity %p is valid', (q) => {
    expect(validateObjects([withLimit(q)])).toEqual([]);
  });

  test.each(['4GB', '4 Gi', 'lots', '', '1Gi ', true])('quantity %p is rejected', (q) => {
    expect(lines(validateObjects([withLimit(q)], on('1.36.0')))).toEqual([
      expect.stringMatching(/^StatefulSet\/rec \(k8s 1\.36\.0\): \/spec\/template\/spec\/containers\/0\/resources\/limits\/memory must /),
    ]);
  });

  test('a Service targetPort takes a name or an integer, not a float or boolean', () => {
    const ok = service();
    expect(validateObjects([ok])).toEqual([]);
    const bad = service();
    bad.spec.ports[0].targetPort = 8443.5;
    bad.spec.ports[1].targetPort = true;
    expect(validateObjects([bad], on('1.28.0')).map((f) => [f.path, f.message])).toEqual([
      ['/spec/ports/0/targetPort', 'must be string,integer'],
      ['/spec/ports/1/targetPort', 'must be string,integer'],
    ]);
  });

  test('x-kubernetes-int-or-string in a CRD (ServiceMonitor targetPort) takes both, rejects an object', () => {
    const named = serviceMonitor();
    named.spec.endpoints[0].targetPort = 'metrics';
    expect(validateObjects([serviceMonitor(), named])).toEqual([]);
    const bad = serviceMonitor();
    bad.spec.endpoints[0].targetPort = { port: 8070 };
    expect(validateObjects([bad], on('1.36.0')).map((f) => f.path)).toEqual(['/spec/endpoints/0/targetPort']);
  });

  test('int32 fields reject out-of-range integers', () => {
    const sts = statefulSet();
    sts.spec.replicas = 2 ** 31;
    expect(validateObjects([sts], on('1.36.0')).map((f) => [f.path, f.rule])).toEqual([['/spec/replicas', 'format']]);
  });
});

describe('kinds and API versions', () => {
  test('an unknown kind is a finding, never silently valid', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(lines(validateObjects([widget], on('1.36.0')))).toEqual([
      "Widget/w (k8s 1.36.0): / no schema for apiVersion 'example.com/v1' kind 'Widget' in Kubernetes 1.36.0 or the vendored CRDs",
    ]);
  });

  test('objects without apiVersion/kind, and non-objects, are findings', () => {
    const found = validateObjects([{ metadata: { name: 'x' } }, 'kind: Service'], on('1.36.0'));
    expect(found.map((f) => [f.objectIndex, f.rule])).toEqual([[0, 'unknown-kind'], [1, 'not-an-object']]);
  });

  test('a CRD version the CRD does not list is a finding', () => {
    const sm = serviceMonitor();
    sm.apiVersion = 'monitoring.coreos.com/v1alpha1';
    expect(validateObjects([sm], on('1.36.0')).map((f) => f.rule)).toEqual(['unknown-kind']);
  });

  // policy/v1beta1 was removed in 1.25, so it is in neither vendored file:
  // checked in the definitions (only policy/v1 PodDisruptionBudget exists in both).
  test('PodDisruptionBudget policy/v1beta1 fails on 1.28 and on 1.36', () => {
    expect(validateObjects([pdb('policy/v1beta1')]).map((f) => [f.kubernetesVersion, f.rule])).toEqual([
      ['1.28.0', 'unknown-kind'],
      ['1.36.0', 'unknown-kind'],
    ]);
  });

  test('an API removed after 1.28 (flowcontrol v1beta3, removed in 1.32) passes on 1.28 only', () => {
    const flowSchema = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'f' },
      spec: { priorityLevelConfiguration: { name: 'p' } },
    };
    expect(validateObjects([flowSchema]).map((f) => [f.kubernetesVersion, f.rule])).toEqual([['1.36.0', 'unknown-kind']]);
  });

  // Service.spec.trafficDistribution was added in 1.30: absent from the 1.28 definitions.
  test('a field added after 1.28 (Service spec.trafficDistribution) fails on 1.28 only', () => {
    const svc = service();
    svc.spec.trafficDistribution = 'PreferClose';
    expect(lines(validateObjects([svc]))).toEqual([
      "Service/rec-ui (k8s 1.28.0): /spec must NOT have additional properties 'trafficDistribution'",
    ]);
  });

  // serviceName became optional in 1.33: required in the 1.28 definitions, not in 1.36.
  test('a StatefulSet without serviceName fails on 1.28 only', () => {
    const sts = statefulSet();
    delete sts.spec.serviceName;
    expect(lines(validateObjects([sts]))).toEqual([
      "StatefulSet/rec (k8s 1.28.0): /spec must have required property 'serviceName'",
    ]);
  });

  test('a version without vendored schemas is a configuration error', () => {
    expect(() => validateObjects([service()], on('1.99.0'))).toThrow(/no vendored Kubernetes schema for 1\.99\.0/);
  });
});

describe('expectSchemaValid', () => {
  test('passes silently on valid objects', () => {
    expect(() => expectSchemaValid([statefulSet(), service()])).not.toThrow();
  });

  test('throws one readable line per finding', () => {
    const sts = statefulSet();
    sts.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(() => expectSchemaValid([sts, service()])).toThrow(
      '2 schema finding(s) in 2 object(s):\n' +
      "  StatefulSet/rec (k8s 1.28.0): /spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'\n" +
      "  StatefulSet/rec (k8s 1.36.0): /spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'",
    );
  });
});

describe('validator cache', () => {
  test('each kind is compiled once per version per process', () => {
    validateObjects([statefulSet()]);
    const before = schemaValidatorTimings();
    validateObjects([statefulSet(), statefulSet()]);
    const after = schemaValidatorTimings();
    expect(after['1.36.0'].compiledKinds).toBe(before['1.36.0'].compiledKinds);
    expect(after['1.36.0'].compileMs).toBe(before['1.36.0'].compileMs);
  });
});
