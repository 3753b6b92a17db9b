/**
 * The `redisVersion` of a database: the Redis database version it runs,
 * checked against what Redis Software bundles. The cluster's release comes
 * from its server image tag; when the tag does not say (a digest, `latest`),
 * only the format and the versions any listed release bundles are checked.
 */
import {
  KNOWN_REDIS_DATABASE_VERSIONS, REDIS_VERSION_FORMAT, bundledRedisDatabaseVersions, redisSoftwareVersionOfImage,
} from '../contract/redis-software';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { DatabaseType } from './database-props';

/**
 * REDB031: `major.minor` and a known version; REDB032: bundled by the
 * cluster's release; REDB033: not for memcached (the operator's RED-119152:
 * `redisVersion` cannot be used for memcached databases).
 */
export function validateRedisVersion(redisVersion: unknown, type: string, clusterImage: string): Finding[] {
  if (redisVersion === undefined) return [];
  if (type === DatabaseType.MEMCACHED) {
    return [finding('REDB033', 'redisVersion', 'memcached databases have no Redis version to choose or upgrade (Redis Software: RED-119152)')];
  }
  const known = KNOWN_REDIS_DATABASE_VERSIONS.join(', ');
  if (typeof redisVersion !== 'string' || !REDIS_VERSION_FORMAT.test(redisVersion)) {
    return [finding('REDB031', 'redisVersion', `${JSON.stringify(redisVersion)} is not a Redis version written major.minor`, `write it as one of ${known}`)];
  }
  if (!KNOWN_REDIS_DATABASE_VERSIONS.includes(redisVersion)) {
    return [finding('REDB031', 'redisVersion', `Redis ${redisVersion} is not a database version any Redis Software release bundles`, `use one of ${known}`)];
  }
  const release = redisSoftwareVersionOfImage(clusterImage);
  const bundle = release === undefined ? undefined : bundledRedisDatabaseVersions(release);
  if (bundle && !bundle.bundled.includes(redisVersion)) {
    return [finding('REDB032', 'redisVersion', `Redis Software ${release} (image ${clusterImage}) bundles Redis ${bundle.bundled.join(', ')}, not ${redisVersion}`,
      `use one of ${bundle.bundled.join(', ')}, or upgrade the cluster's image to a release that bundles ${redisVersion} first`)];
  }
  return [];
}
