/** Kubernetes naming rules used by the validations. */

/** RFC 1123 label: Services, StatefulSet pods and most names must be one. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1035 label: Service names must also start with a letter. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: Secret and ConfigMap names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label key: optional DNS-subdomain prefix and a name of up to 63 characters. */
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

export const MAX_DNS_LABEL = 63;
export const MAX_DNS_SUBDOMAIN = 253;

export function isDns1035Label(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_DNS_LABEL && DNS_1035_LABEL.test(name);
}

export function isDnsLabel(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_DNS_LABEL && DNS_LABEL.test(name);
}

export function isDnsSubdomain(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_DNS_SUBDOMAIN && DNS_SUBDOMAIN.test(name);
}

export function isLabelKey(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0) return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= MAX_DNS_LABEL && LABEL_NAME.test(name);
}

export function isLabelValue(value: string): boolean {
  return typeof value === 'string' && (value === '' || (value.length <= MAX_DNS_LABEL && LABEL_NAME.test(value)));
}
