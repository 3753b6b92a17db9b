/**
 * The LDAP object (`PUT /v1/cluster/ldap`) from the desired state and its
 * Secrets, and when it must be written.
 *
 * `bind_pass` cannot be compared: Redis Enterprise shows it masked. So the
 * reconciler records, in the status ConfigMap, a version of what it applied:
 * the resourceVersions of the bind (and CA) Secrets plus a digest of the
 * declared, non-secret settings. The object is written when that version
 * changed, or when the live object no longer shows the declared non-secret
 * values (someone edited LDAP by hand). A change of only the bind password
 * made outside the reconciler goes unnoticed until the Secret changes.
 */
import { createHash } from 'node:crypto';
import { DesiredLdap } from '../../contract/desired-state';
import { LdapConfig } from '../io/re-types';

/** Documented fields compared with the live object (bind_pass is write-only). */
const COMPARED = ['uris', 'starttls', 'user_dn_template', 'dn_group_attr', 'control_plane', 'data_plane', 'bind_dn', 'ca_cert'] as const;

export interface LdapSecrets {
  bindDn: string;
  bindPassword: string;
  bindVersion: string;
  caCert?: string;
  caVersion?: string;
}

export function ldapConfig(desired: DesiredLdap, secrets: LdapSecrets): LdapConfig {
  // Documented: uris "only contain the schema, host, and port"; STARTTLS is plain ldap:// plus starttls.
  const scheme = desired.protocol === 'LDAPS' ? 'ldaps' : 'ldap';
  return {
    uris: desired.servers.map((s) => `${scheme}://${s.host}:${s.port}`),
    starttls: desired.protocol === 'STARTTLS',
    bind_dn: secrets.bindDn,
    bind_pass: secrets.bindPassword,
    ca_cert: secrets.caCert ?? '',
    user_dn_template: desired.authenticationQueryTemplate,
    dn_group_attr: desired.authorizationAttribute,
    control_plane: desired.enabledForControlPlane,
    data_plane: desired.enabledForDataPlane,
  };
}

/** What was applied: Secret resourceVersions and a digest of the declared settings (no secret values). */
export function ldapVersion(desired: DesiredLdap, secrets: LdapSecrets): string {
  const digest = createHash('sha256').update(JSON.stringify(desired)).digest('hex').slice(0, 16);
  return [secrets.bindVersion, secrets.caVersion ?? '-', digest].join('/');
}

/** Names of the compared fields whose live value differs (never their values). */
export function ldapDrift(wanted: LdapConfig, live: LdapConfig): string[] {
  const norm = (k: string, v: unknown) => (k === 'ca_cert' && typeof v === 'string' ? v.trim() : v ?? (k === 'uris' ? [] : ''));
  return COMPARED.filter((k) => JSON.stringify(norm(k, wanted[k])) !== JSON.stringify(norm(k, live[k])));
}
