import { databasePropsShape } from '../database/database-prop-keys';
import { DatabaseSettingsProps } from '../database/database-props';
import { keysOf, PropsShape } from '../validation/unknown-props';
import type { RedisEnterpriseActiveActiveDatabaseProps } from './active-active-database';
import type { RedisEnterpriseRemoteClusterProps } from './remote-cluster';

/** Every prop of {@link RedisEnterpriseActiveActiveDatabaseProps}. */
export const ACTIVE_ACTIVE_PROPS_SHAPE = databasePropsShape(
  keysOf<Omit<RedisEnterpriseActiveActiveDatabaseProps, keyof DatabaseSettingsProps>>({ participants: true, name: true, replicationTls: true }));

/** Every prop of {@link RedisEnterpriseRemoteClusterProps}. */
export const REMOTE_CLUSTER_PROPS_SHAPE: PropsShape = {
  keys: keysOf<RedisEnterpriseRemoteClusterProps>({ cluster: true, name: true, apiPort: true, credentialsSecretName: true }),
};
