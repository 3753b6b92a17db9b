import { keysOf, PropsShape } from '../validation/unknown-props';
import { DatabaseBackupProps, DatabaseSettingsProps } from './database-props';

/** The settings shared by plain and Active-Active databases. */
export const DATABASE_SETTINGS_KEYS = keysOf<DatabaseSettingsProps>({
  memorySize: true, shardCount: true, replication: true, persistence: true, evictionPolicy: true, tlsMode: true,
  clientCertificateSecretNames: true, modules: true, port: true, passwordSecretName: true, proxyPolicy: true, ossCluster: true,
  type: true, backup: true, alertSettings: true, rolesPermissions: true, deletionPolicy: true,
});

const backup: PropsShape = {
  keys: keysOf<DatabaseBackupProps>({ storage: true, location: true, subdir: true, credentialsSecretName: true, intervalHours: true }),
};

/** Props shape of a database kind: the shared settings plus its own keys. */
export function databasePropsShape(ownKeys: readonly string[]): PropsShape {
  return {
    keys: [...ownKeys, ...DATABASE_SETTINGS_KEYS],
    nested: { backup },
    // What the operator's REDB spec calls them.
    synonyms: { replicas: 'replication', memory: 'memorySize', databasePort: 'port', modulesList: 'modules', databaseSecretName: 'passwordSecretName' },
  };
}
