/**
 * The Secrets a desired-state document names: the only Secrets the
 * reconciler reads or watches. The constructs grant the reconciler's Role
 * `get`/`list`/`watch` on exactly these names, and the reconciler opens one
 * watch per name; both derive the set here, from the same document, so the
 * two halves cannot disagree.
 */
import { DesiredDatabaseSettings, DesiredState } from './desired-state';

function databaseSecrets(db: DesiredDatabaseSettings): string[] {
  return [db.passwordSecretName, ...db.clientCertificateSecretNames, ...(db.backup?.credentialsSecretName ? [db.backup.credentialsSecretName] : [])];
}

/** Every Secret name the document refers to, sorted, without duplicates. */
export function referencedSecretNames(state: DesiredState): string[] {
  const c = state.cluster;
  const names = [
    c.credentialsSecretName,
    ...(c.licenseSecretName ? [c.licenseSecretName] : []),
    ...Object.values(c.certificates ?? {}).filter((n): n is string => typeof n === 'string'),
    ...(c.ldap ? [c.ldap.bindCredentialsSecretName, ...(c.ldap.caCertificateSecretName ? [c.ldap.caCertificateSecretName] : [])] : []),
    ...state.databases.flatMap(databaseSecrets),
    ...state.activeActiveDatabases.flatMap(databaseSecrets),
    ...state.remoteClusters.map((r) => r.credentialsSecretName),
  ];
  return [...new Set(names.filter((n) => n !== ''))].sort();
}
