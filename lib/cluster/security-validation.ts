import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDnsSubdomain } from '../validation/names';
import { parseQuantity } from '../validation/quantity';
import { ClusterSpec } from './cluster-spec';
import { LdapProtocol } from './security-props';

/** Checks of certificates (REC018), LDAP (REC019) and Auto Tiering (REC020). */
export function validateSecuritySettings(spec: ClusterSpec): Finding[] {
  return [...validateCertificates(spec), ...validateLdap(spec), ...validateAutoTiering(spec)];
}

function validateCertificates(spec: ClusterSpec): Finding[] {
  return Object.entries(spec.certificates ?? {})
    .filter(([, name]) => name !== undefined && !isDnsSubdomain(name))
    .map(([field, name]) => finding('REC018', `certificates.${field}`, `"${name}" is not a valid Secret name`));
}

function validateLdap(spec: ClusterSpec): Finding[] {
  const ldap = spec.ldap;
  if (!ldap) return [];
  const f: Finding[] = [];
  const bad = (field: string, message: string, fix: string) => f.push(finding('REC019', `ldap.${field}`, message, fix));
  if (!(Object.values(LdapProtocol) as string[]).includes(ldap.protocol)) bad('protocol', `"${ldap.protocol}" is not an LDAP protocol`, 'use LdapProtocol.LDAPS, STARTTLS or LDAP');
  if (!Array.isArray(ldap.servers) || ldap.servers.length === 0) bad('servers', 'no LDAP server', 'list at least one server');
  (Array.isArray(ldap.servers) ? ldap.servers : []).forEach((s, i) => {
    if (typeof s.host !== 'string' || !/^[A-Za-z0-9.-]+$/.test(s.host)) bad(`servers[${i}].host`, `"${s.host}" is not a host name`, 'write a host name or IP address');
    if (s.port !== undefined && (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)) bad(`servers[${i}].port`, `${s.port} is not a TCP port`, 'use 1-65535 or leave it out');
  });
  if (!isDnsSubdomain(ldap.bindCredentialsSecretName)) bad('bindCredentialsSecretName', `"${ldap.bindCredentialsSecretName}" is not a valid Secret name`, 'name the Secret with keys dn and password');
  if (ldap.caCertificateSecretName !== undefined && !isDnsSubdomain(ldap.caCertificateSecretName)) bad('caCertificateSecretName', `"${ldap.caCertificateSecretName}" is not a valid Secret name`, 'name the Secret with key cert');
  if (typeof ldap.authenticationQueryTemplate !== 'string' || !ldap.authenticationQueryTemplate.includes('%u')) {
    bad('authenticationQueryTemplate', 'the template has no %u placeholder for the user name', 'write it like cn=%u,ou=people,dc=example,dc=com');
  }
  if (typeof ldap.authorizationAttribute !== 'string' || !ldap.authorizationAttribute.trim()) bad('authorizationAttribute', 'the attribute is empty', 'set it, e.g. memberOf');
  if (ldap.protocol === LdapProtocol.LDAP) {
    bad('protocol', 'plain LDAP sends the bind password and user passwords unencrypted', 'use LdapProtocol.LDAPS or STARTTLS');
  }
  return f;
}

function validateAutoTiering(spec: ClusterSpec): Finding[] {
  const at = spec.autoTiering;
  if (!at) return [];
  const f: Finding[] = [];
  if (typeof at.storageClassName !== 'string' || !isDnsSubdomain(at.storageClassName)) {
    f.push(finding('REC020', 'autoTiering.storageClassName', `"${at.storageClassName}" is not a StorageClass name`, 'name the StorageClass of the flash (NVMe) volumes'));
  }
  const size = parseQuantity(spec.flashDiskSize);
  if (size === undefined || size <= 0 || !Number.isInteger(size)) {
    f.push(finding('REC020', 'autoTiering.flashDiskSize', `"${spec.flashDiskSize}" is not a whole-byte size`, 'write a size such as 100Gi'));
  }
  return f;
}
