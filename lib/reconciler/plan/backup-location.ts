/**
 * The BDB `backup_location` object for a declared backup, with credentials
 * from the backup Secret. Secret keys follow the official operator's REDB
 * backup Secrets (AWS_ACCESS_KEY_ID, ... ). Pure; values never leave the body.
 */
import { DesiredBackup } from '../../contract/desired-state';

export function backupLocation(b: DesiredBackup, secret: (key: string) => string | undefined): Record<string, unknown> {
  const need = (key: string): string => {
    const v = secret(key);
    if (v === undefined) throw new Error(`backup credentials Secret ${b.credentialsSecretName ?? '(none)'} has no key ${key}`);
    return v;
  };
  const subdir = b.subdir !== undefined ? { subdir: b.subdir } : {};
  switch (b.type) {
    case 's3':
      return { type: 's3', bucket_name: b.location, ...subdir, access_key_id: need('AWS_ACCESS_KEY_ID'), secret_access_key: need('AWS_SECRET_ACCESS_KEY') };
    case 'gcs':
      return {
        type: 'gs', bucket_name: b.location, ...subdir,
        client_id: need('CLIENT_ID'), client_email: need('CLIENT_EMAIL'), private_key_id: need('PRIVATE_KEY_ID'), private_key: need('PRIVATE_KEY'),
      };
    case 'abs':
      return { type: 'abs', container: b.location, ...subdir, account_name: need('AZURE_ACCOUNT_NAME'), account_key: need('AZURE_ACCOUNT_KEY') };
    case 'sftp':
      return { type: 'sftp', sftp_url: b.location, key: need('SSH_PRIVATE_KEY') };
    case 'mount':
      return { type: 'mount_point', path: b.location };
    default:
      throw new Error(`backup type ${JSON.stringify(b.type)} is not supported by this reconciler`);
  }
}
