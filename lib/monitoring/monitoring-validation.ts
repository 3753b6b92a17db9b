import { RESERVED_LABELS } from '../contract/labels';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDnsSubdomain, isLabelKey, isLabelValue } from '../validation/names';
import { parsePrometheusDuration } from './duration';
import { DEFAULT_SCRAPE_INTERVAL, MonitoringProps } from './monitoring-props';

/** A key of a Secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** A DNS name a certificate may be issued for (wildcards and upper case allowed, as in SANs). */
const SERVER_NAME = /^(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

/**
 * Checks of the `monitoring` props. Rule codes:
 *
 * - REMON001 scrapeInterval is not a positive Prometheus duration
 * - REMON002 scrapeTimeout is not a positive Prometheus duration, or exceeds scrapeInterval
 * - REMON003 a label key or value is invalid, or overrides a library label
 * - REMON004 the TLS verification settings are invalid or incomplete
 * - REMON005 (warning) a setting has no effect because its object is not enabled
 * - REMON006 serviceMonitor / prometheusRules is not a boolean
 */
export function validateMonitoring(props: MonitoringProps): Finding[] {
  if (props === null || typeof props !== 'object') {
    return [finding('REMON006', 'monitoring', `monitoring is ${String(props)}, not an object`, 'set monitoring to { serviceMonitor: true, ... } or leave it out')];
  }
  return [
    ...validateSwitches(props),
    ...validateDurations(props),
    ...validateLabels(props),
    ...validateTls(props),
  ];
}

function validateSwitches(props: MonitoringProps): Finding[] {
  const findings: Finding[] = [];
  for (const field of ['serviceMonitor', 'prometheusRules'] as const) {
    const value = props[field];
    if (value !== undefined && typeof value !== 'boolean') {
      findings.push(finding('REMON006', `monitoring.${field}`, `${field} is ${JSON.stringify(value)}, not true or false`, `set ${field} to true or false`));
    }
  }
  const unused = (field: string, needs: string) => findings.push(finding('REMON005', `monitoring.${field}`,
    `${field} is set but ${needs} is not enabled, so it has no effect`, `set ${needs}: true, or remove ${field}`));
  if (props.serviceMonitor !== true) {
    for (const field of ['scrapeInterval', 'scrapeTimeout', 'tlsCaSecretName', 'tlsCaSecretKey', 'tlsServerName'] as const) {
      if (props[field] !== undefined) unused(field, 'serviceMonitor');
    }
  }
  if (props.serviceMonitor !== true && props.prometheusRules !== true) {
    findings.push(finding('REMON005', 'monitoring', 'neither serviceMonitor nor prometheusRules is enabled, so no monitoring object is emitted',
      'set serviceMonitor: true and/or prometheusRules: true, or remove monitoring'));
  }
  return findings;
}

function validateDurations(props: MonitoringProps): Finding[] {
  const findings: Finding[] = [];
  const interval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
  const intervalMs = parsePrometheusDuration(interval);
  if (!intervalMs) {
    findings.push(finding('REMON001', 'monitoring.scrapeInterval', `"${String(interval)}" is not a positive Prometheus duration`));
  }
  if (props.scrapeTimeout !== undefined) {
    const timeoutMs = parsePrometheusDuration(props.scrapeTimeout);
    if (!timeoutMs) {
      findings.push(finding('REMON002', 'monitoring.scrapeTimeout', `"${String(props.scrapeTimeout)}" is not a positive Prometheus duration`,
        'write a duration such as "20s", or leave it out to use the scrape interval'));
    } else if (intervalMs && timeoutMs > intervalMs) {
      // Prometheus refuses such a scrape config, which would stop it loading every other config too.
      findings.push(finding('REMON002', 'monitoring.scrapeTimeout', `scrapeTimeout ${props.scrapeTimeout} is longer than scrapeInterval ${interval}`,
        `set scrapeTimeout to at most ${interval}, or leave it out`));
    }
  }
  return findings;
}

function validateLabels(props: MonitoringProps): Finding[] {
  const labels = props.labels;
  if (labels === undefined) return [];
  if (labels === null || typeof labels !== 'object') {
    return [finding('REMON003', 'monitoring.labels', `labels is ${String(labels)}, not a map of strings`, 'give a { key: value } object')];
  }
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const field = `monitoring.labels["${key}"]`;
    if (!isLabelKey(key)) {
      findings.push(finding('REMON003', field, `"${key}" is not a valid label key`, 'use a key such as "release" or "example.com/team"'));
    } else if (RESERVED_LABELS.includes(key)) {
      findings.push(finding('REMON003', field, `"${key}" is a label the library sets itself`, `remove it; the library's ${key} label is always set`));
    } else if (typeof value !== 'string' || !isLabelValue(value)) {
      findings.push(finding('REMON003', field, `"${String(value)}" is not a valid label value (up to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`,
        'use a value such as "prometheus"'));
    }
  }
  return findings;
}

function validateTls(props: MonitoringProps): Finding[] {
  const findings: Finding[] = [];
  const ca = props.tlsCaSecretName;
  if (ca !== undefined && !isDnsSubdomain(ca)) {
    findings.push(finding('REMON004', 'monitoring.tlsCaSecretName', `"${String(ca)}" is not a valid Secret name (a DNS subdomain)`, 'use the name of the Secret holding the CA certificate'));
  }
  if (props.tlsCaSecretKey !== undefined && (typeof props.tlsCaSecretKey !== 'string' || !SECRET_KEY.test(props.tlsCaSecretKey))) {
    findings.push(finding('REMON004', 'monitoring.tlsCaSecretKey', `"${String(props.tlsCaSecretKey)}" is not a valid Secret key`, 'use a key such as "ca.crt"'));
  }
  if (props.tlsServerName !== undefined && (typeof props.tlsServerName !== 'string' || !SERVER_NAME.test(props.tlsServerName))) {
    findings.push(finding('REMON004', 'monitoring.tlsServerName', `"${String(props.tlsServerName)}" is not a DNS name`, 'use a name the metrics certificate is issued for'));
  }
  if (ca !== undefined && props.tlsServerName === undefined) {
    findings.push(finding('REMON004', 'monitoring.tlsServerName', 'tlsCaSecretName is set without tlsServerName: Prometheus connects to pod IPs, which the metrics certificate does not name, so verification would fail',
      'set tlsServerName to a name in the metrics_exporter certificate, e.g. "<rec>-prom.<namespace>.svc"'));
  }
  if (ca === undefined && (props.tlsServerName !== undefined || props.tlsCaSecretKey !== undefined)) {
    findings.push(finding('REMON004', props.tlsServerName !== undefined ? 'monitoring.tlsServerName' : 'monitoring.tlsCaSecretKey',
      'TLS verification settings are given without tlsCaSecretName, so the certificate is not verified and they are ignored',
      'set tlsCaSecretName to the Secret holding the CA, or remove them'));
  }
  return findings;
}
