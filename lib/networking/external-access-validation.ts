import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDnsSubdomain, isLabelKey, isLabelValue } from '../validation/names';
import { DEFAULT_INGRESS_CONTROLLER, ExternalAccessMethod, ExternalAccessProps, IngressController } from './external-access-props';
import { isValidDbFqdnSuffix, isValidHost } from './hosts';
import { PASSTHROUGH_ANNOTATIONS } from './ingress';

const METHODS = Object.values(ExternalAccessMethod) as string[];
const CONTROLLERS = Object.values(IngressController) as string[];

/**
 * Checks of the `externalAccess` props of cluster `clusterName`. Rule codes:
 *
 * - RENET001 apiFqdn is not a valid external hostname
 * - RENET002 dbFqdnSuffix is not a valid hostname suffix
 * - RENET003 Istio needs a dbFqdnSuffix starting with '.'
 * - RENET004 an option of another method is set
 * - RENET005 an annotation key or value is invalid
 * - RENET006 an annotation changes a passthrough annotation the library sets
 * - RENET007 unknown method or ingress controller
 * - RENET008 ingressClassName is not a valid IngressClass name
 * - RENET009 istioGatewaySelector is empty or not valid labels
 * - RENET010 (warning) the API host falls under the database wildcard
 */
export function validateExternalAccess(access: ExternalAccessProps, clusterName: string): Finding[] {
  if (access === null || typeof access !== 'object') {
    return [finding('RENET007', 'externalAccess', `externalAccess is ${String(access)}, not an object`,
      'set externalAccess to { method, apiFqdn, dbFqdnSuffix } or leave it out')];
  }
  return [
    ...validateMethod(access),
    ...validateHosts(access, clusterName),
    ...validateMethodOptions(access),
    ...validateAnnotations(access),
  ];
}

function validateMethod(access: ExternalAccessProps): Finding[] {
  const findings: Finding[] = [];
  if (!METHODS.includes(access.method)) {
    findings.push(finding('RENET007', 'externalAccess.method', `unknown method "${String(access.method)}"`,
      `use one of ${METHODS.map((m) => `"${m}"`).join(', ')} (ExternalAccessMethod)`));
  }
  if (access.ingressController !== undefined && !CONTROLLERS.includes(access.ingressController)) {
    findings.push(finding('RENET007', 'externalAccess.ingressController', `unknown ingress controller "${String(access.ingressController)}"`,
      `use one of ${CONTROLLERS.map((c) => `"${c}"`).join(', ')} (IngressController), and set other controllers' annotations through externalAccess.annotations`));
  }
  return findings;
}

function validateHosts(access: ExternalAccessProps, clusterName: string): Finding[] {
  const findings: Finding[] = [];
  const apiOk = isValidHost(access.apiFqdn);
  if (!apiOk) {
    findings.push(finding('RENET001', 'externalAccess.apiFqdn', `"${String(access.apiFqdn)}" is not a valid external hostname `
      + '(a lowercase DNS name with at least two labels of letters, digits and \'-\', at most 63 characters each and 253 in all, not an IP address or wildcard)',
    'set apiFqdn to the name DNS resolves to your ingress, e.g. "api.rec1.example.com"'));
  }
  const suffix = access.dbFqdnSuffix;
  const suffixOk = isValidDbFqdnSuffix(suffix);
  if (!suffixOk) {
    findings.push(finding('RENET002', 'externalAccess.dbFqdnSuffix', `"${String(suffix)}" is not a valid database hostname suffix `
      + '(it must start with \'.\' or \'-\' and give a valid lowercase DNS name after a database name)',
    'use a suffix such as ".db.rec1.example.com", so that database db1 is reached as db1.db.rec1.example.com'));
  } else if (access.method === ExternalAccessMethod.ISTIO && !suffix.startsWith('.')) {
    findings.push(finding('RENET003', 'externalAccess.dbFqdnSuffix', `"${suffix}" starts with '-': the Istio Gateway would need the partial wildcard host "*${suffix}", which Istio does not allow`,
      `use a suffix starting with '.', e.g. ".${suffix.slice(1)}", with a wildcard DNS record for it`));
  }
  if (apiOk && suffixOk && suffix.startsWith('.') && access.apiFqdn.endsWith(suffix)) {
    const label = access.apiFqdn.slice(0, -suffix.length);
    if (!label.includes('.')) {
      findings.push(finding('RENET010', 'externalAccess.apiFqdn', `the API host "${access.apiFqdn}" of cluster ${clusterName} is also the host a database named "${label}" would get`,
        `choose an apiFqdn outside "*${suffix}", or never name a database "${label}"`));
    }
  }
  return findings;
}

function validateMethodOptions(access: ExternalAccessProps): Finding[] {
  const findings: Finding[] = [];
  const misplaced = (field: string, owner: ExternalAccessMethod) => {
    findings.push(finding('RENET004', `externalAccess.${field}`, `${field} only applies to method "${owner}", but method is "${String(access.method)}"`,
      `remove ${field}, or set method to ExternalAccessMethod.${owner === ExternalAccessMethod.INGRESS ? 'INGRESS' : 'ISTIO'}`));
  };
  if (access.method !== ExternalAccessMethod.INGRESS) {
    if (access.ingressController !== undefined) misplaced('ingressController', ExternalAccessMethod.INGRESS);
    if (access.ingressClassName !== undefined) misplaced('ingressClassName', ExternalAccessMethod.INGRESS);
  }
  if (access.method !== ExternalAccessMethod.ISTIO && access.istioGatewaySelector !== undefined) {
    misplaced('istioGatewaySelector', ExternalAccessMethod.ISTIO);
  }
  if (access.ingressClassName !== undefined && !isDnsSubdomain(access.ingressClassName)) {
    findings.push(finding('RENET008', 'externalAccess.ingressClassName', `"${String(access.ingressClassName)}" is not a valid IngressClass name (a DNS subdomain)`));
  }
  const selector = access.istioGatewaySelector;
  if (selector !== undefined) {
    const entries = selector !== null && typeof selector === 'object' ? Object.entries(selector) : [];
    if (entries.length === 0) {
      findings.push(finding('RENET009', 'externalAccess.istioGatewaySelector', 'the selector is empty: the Gateway would apply to every Istio gateway workload',
        'give the labels of your ingress gateway pods, e.g. { istio: "ingressgateway" }, or leave the prop out for that default'));
    }
    for (const [key, value] of entries) {
      if (!isLabelKey(key) || typeof value !== 'string' || !isLabelValue(value)) {
        findings.push(finding('RENET009', `externalAccess.istioGatewaySelector["${key}"]`, `"${key}: ${String(value)}" is not a valid label`,
          'use label keys and values as on the ingress gateway pods'));
      }
    }
  }
  return findings;
}

function validateAnnotations(access: ExternalAccessProps): Finding[] {
  const annotations = access.annotations;
  if (annotations === undefined) return [];
  if (annotations === null || typeof annotations !== 'object') {
    return [finding('RENET005', 'externalAccess.annotations', `annotations is ${String(annotations)}, not a map of strings`, 'give a { key: value } object')];
  }
  const findings: Finding[] = [];
  const controller = access.ingressController ?? DEFAULT_INGRESS_CONTROLLER;
  const owned = access.method === ExternalAccessMethod.INGRESS ? PASSTHROUGH_ANNOTATIONS[controller] ?? {} : {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!isLabelKey(key)) {
      findings.push(finding('RENET005', `externalAccess.annotations["${key}"]`, `"${key}" is not a valid annotation key (an optional DNS-subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.')`,
        'fix the key, e.g. "external-dns.alpha.kubernetes.io/hostname"'));
    } else if (typeof value !== 'string') {
      findings.push(finding('RENET005', `externalAccess.annotations["${key}"]`, `the value is ${typeof value}, annotations are strings`,
        `quote it: "${String(value)}"`));
    } else if (key in owned && owned[key] !== value) {
      findings.push(finding('RENET006', `externalAccess.annotations["${key}"]`, `"${key}: ${value}" would change the library's "${owned[key]}", which TLS passthrough to Redis Enterprise needs`,
        `remove the annotation; the library sets ${key}: "${owned[key]}" on every Ingress`));
    }
  }
  return findings;
}
