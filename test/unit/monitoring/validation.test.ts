import { MonitoringProps, parsePrometheusDuration, validateMonitoring } from '../../../lib/monitoring';
import { FindingSeverity } from '../../../lib/validation/finding';

const errors = (props: Record<string, unknown>) => validateMonitoring(props as MonitoringProps).filter((f) => f.severity === FindingSeverity.ERROR);
const warnings = (props: Record<string, unknown>) => validateMonitoring(props as MonitoringProps).filter((f) => f.severity === FindingSeverity.WARNING);

test.each<[string, MonitoringProps]>([
  ['service monitor', { serviceMonitor: true }],
  ['rules', { prometheusRules: true }],
  ['everything', {
    serviceMonitor: true, prometheusRules: true, scrapeInterval: '1m30s', scrapeTimeout: '1m', labels: { 'release': 'prometheus', 'example.com/team': 'db' },
    tlsCaSecretName: 'metrics-ca', tlsCaSecretKey: 'ca.pem', tlsServerName: '*.rec1.example.com',
  }],
  ['timeout equal to interval', { serviceMonitor: true, scrapeInterval: '15s', scrapeTimeout: '15s' }],
])('valid: %s', (_, props) => {
  expect(validateMonitoring(props)).toEqual([]);
});

describe('each rule', () => {
  test.each<[string, string, Record<string, unknown>]>([
    ['REMON001', 'interval with a space', { serviceMonitor: true, scrapeInterval: '30 s' }],
    ['REMON001', 'interval in the wrong unit order', { serviceMonitor: true, scrapeInterval: '30s1m' }],
    ['REMON001', 'interval zero', { serviceMonitor: true, scrapeInterval: '0' }],
    ['REMON001', 'interval empty', { serviceMonitor: true, scrapeInterval: '' }],
    ['REMON001', 'interval a number', { serviceMonitor: true, scrapeInterval: 30 }],
    ['REMON002', 'bad timeout', { serviceMonitor: true, scrapeTimeout: '10 sec' }],
    ['REMON002', 'timeout longer than the interval', { serviceMonitor: true, scrapeInterval: '15s', scrapeTimeout: '20s' }],
    ['REMON002', 'timeout longer than the default interval', { serviceMonitor: true, scrapeTimeout: '1m' }],
    ['REMON003', 'bad label key', { serviceMonitor: true, labels: { 'bad key': 'x' } }],
    ['REMON003', 'bad label value', { serviceMonitor: true, labels: { release: 'kube prometheus' } }],
    ['REMON003', 'reserved label', { serviceMonitor: true, labels: { 'redis.io/cluster': 'other' } }],
    ['REMON003', 'labels not a map', { serviceMonitor: true, labels: 'release=prometheus' }],
    ['REMON004', 'CA without server name', { serviceMonitor: true, tlsCaSecretName: 'metrics-ca' }],
    ['REMON004', 'server name without CA', { serviceMonitor: true, tlsServerName: 'x.example.com' }],
    ['REMON004', 'CA key without CA', { serviceMonitor: true, tlsCaSecretKey: 'ca.crt' }],
    ['REMON004', 'bad CA Secret name', { serviceMonitor: true, tlsCaSecretName: 'Metrics_CA', tlsServerName: 'x.example.com' }],
    ['REMON004', 'bad CA key', { serviceMonitor: true, tlsCaSecretName: 'ca', tlsCaSecretKey: 'ca/crt', tlsServerName: 'x.example.com' }],
    ['REMON004', 'bad server name', { serviceMonitor: true, tlsCaSecretName: 'ca', tlsServerName: 'https://x' }],
    ['REMON006', 'serviceMonitor not a boolean', { serviceMonitor: 'yes', prometheusRules: true }],
    ['REMON006', 'prometheusRules not a boolean', { serviceMonitor: true, prometheusRules: 1 }],
  ])('%s: %s', (code, _, props) => {
    const found = errors(props);
    expect(found.map((f) => f.code)).toEqual([code]);
    expect(found[0].field).toMatch(/^monitoring\./);
    expect(found[0].fix.length).toBeGreaterThan(5);
  });

  test('REMON005 (warnings): settings without their object, and nothing enabled', () => {
    expect(warnings({ prometheusRules: true, scrapeInterval: '1m', scrapeTimeout: '30s' }).map((f) => [f.code, f.field])).toEqual([
      ['REMON005', 'monitoring.scrapeInterval'],
      ['REMON005', 'monitoring.scrapeTimeout'],
    ]);
    expect(warnings({}).map((f) => [f.code, f.field])).toEqual([['REMON005', 'monitoring']]);
    expect(warnings({ serviceMonitor: true })).toEqual([]);
  });

  test('a value that is not an object', () => {
    expect(validateMonitoring(null as unknown as MonitoringProps).map((f) => f.code)).toEqual(['REMON006']);
  });

  test('all findings at once', () => {
    expect(errors({ serviceMonitor: true, scrapeInterval: 'x', labels: { app: 'y' }, tlsServerName: 'a.b' }).map((f) => f.code).sort())
      .toEqual(['REMON001', 'REMON003', 'REMON004']);
  });
});

test.each<[string, number | undefined]>([
  ['30s', 30_000],
  ['1m30s', 90_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
  ['1w', 604_800_000],
  ['1y', 31_536_000_000],
  ['500ms', 500],
  ['1m500ms', 60_500],
  ['0', 0],
  ['', undefined],
  ['1.5m', undefined],
  ['30', undefined],
  ['1s1m', undefined],
  ['1m1m', undefined],
  ['-1s', undefined],
  ['1S', undefined],
])('parsePrometheusDuration(%j) = %s', (value, ms) => {
  expect(parsePrometheusDuration(value)).toBe(ms);
});
