/** Resolves the Secret- and lookup-based parts of a database declaration. */
import { createHash } from 'node:crypto';
import { DesiredDatabaseSettings } from '../../contract/desired-state';
import { ResolvedReferences } from './bdb-spec';
import { backupLocation } from './backup-location';
import { DutyContext } from '../runtime/context';
import { ReRedisAcl, ReRole } from '../io/re-types';
import { secretValue } from './secrets';

/** Role and ACL lists, fetched at most once per reconcile and only when a database declares permissions. */
export class RoleDirectory {
  private cache?: Promise<{ roles: ReRole[]; acls: ReRedisAcl[] }>;

  constructor(private readonly ctx: DutyContext) {}

  lookup(): Promise<{ roles: ReRole[]; acls: ReRedisAcl[] }> {
    this.cache ??= Promise.all([this.ctx.re.listRoles(), this.ctx.re.listRedisAcls()]).then(([roles, acls]) => ({ roles, acls }));
    return this.cache;
  }
}

/**
 * A short digest of what a backup location is made of: the declaration and
 * the credentials Secret's resourceVersion, never a credential itself.
 */
export function backupVersion(backup: NonNullable<DesiredDatabaseSettings['backup']>, secretVersion: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([backup, secretVersion ?? ''])).digest('hex').slice(0, 16);
}

export async function resolveReferences(ctx: DutyContext, s: DesiredDatabaseSettings, roles: RoleDirectory, rackAware = false): Promise<ResolvedReferences> {
  const clientCertificates: string[] = [];
  for (const name of s.clientCertificateSecretNames) {
    const cert = secretValue(await ctx.kube.getSecret(name), 'cert');
    if (cert === undefined) throw new Error(`client certificate Secret ${name} is missing or has no key "cert"`);
    clientCertificates.push(cert);
  }
  const rolesPermissions: ResolvedReferences['rolesPermissions'] = [];
  if (s.rolesPermissions.length > 0) {
    const dir = await roles.lookup();
    for (const rp of s.rolesPermissions) {
      const role = dir.roles.find((r) => r.name === rp.role);
      const acl = dir.acls.find((a) => a.name === rp.acl);
      if (!role) throw new Error(`role ${JSON.stringify(rp.role)} does not exist in Redis Enterprise`);
      if (!acl) throw new Error(`Redis ACL ${JSON.stringify(rp.acl)} does not exist in Redis Enterprise`);
      rolesPermissions.push({ role_uid: role.uid, redis_acl_uid: acl.uid });
    }
  }
  const refs: ResolvedReferences = { clientCertificates, rolesPermissions, rackAware };
  if (s.backup) {
    const secret = s.backup.credentialsSecretName ? await ctx.kube.getSecret(s.backup.credentialsSecretName) : undefined;
    if (s.backup.credentialsSecretName && !secret) throw new Error(`backup credentials Secret ${s.backup.credentialsSecretName} is missing`);
    refs.backupLocation = backupLocation(s.backup, (k) => secretValue(secret, k));
    refs.backupVersion = backupVersion(s.backup, secret?.metadata.resourceVersion);
  }
  return refs;
}
