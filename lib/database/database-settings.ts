import { DesiredDatabaseSettings } from '../contract/desired-state';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDnsSubdomain } from '../validation/names';
import { PropTypeChecker } from '../validation/prop-types';
import {
  BackupStorage, DatabasePersistence, DatabaseSettingsProps, DatabaseType, EvictionPolicy, ProxyPolicy, TlsMode,
} from './database-props';
import { MIN_DATABASE_MEMORY_BYTES, parseMemorySize } from './memory-size';
import { validateModules } from './module-rules';
import { MAX_DATABASE_PORT, MIN_DATABASE_PORT, derivePort } from './port';
import { validateSoftwareLimits } from './software-limits';

export const DEFAULT_MEMORY_SIZE = '100MB';
const MAX_SHARDS = 512;
const BACKUP_INTERVAL_HOURS = [1, 4, 12, 24];

/** Settings with defaults applied, plus what validation needs to know about how they were given. */
export interface ResolvedSettings {
  readonly desired: DesiredDatabaseSettings;
  readonly memorySize: string;
  readonly portExplicit: boolean;
  /** False when the password Secret name derives from the database name (already checked as REDB001). */
  readonly passwordSecretExplicit: boolean;
  readonly typeFindings: Finding[];
}

const enumValues = (e: object) => Object.values(e) as string[];

/** Applies defaults. Never throws; wrongly typed props become REDB015 findings. */
export function resolveSettings(raw: DatabaseSettingsProps, name: string): ResolvedSettings {
  const t = new PropTypeChecker('REDB015');
  const memorySize = t.string('memorySize', raw.memorySize) ?? DEFAULT_MEMORY_SIZE;
  const port = t.number('port', raw.port);
  const ossCluster = t.boolean('ossCluster', raw.ossCluster) ?? false;
  const backup = t.object('backup', raw.backup);
  const desired: DesiredDatabaseSettings = {
    type: t.string('type', raw.type) ?? DatabaseType.REDIS,
    memorySizeBytes: parseMemorySize(memorySize) ?? 0,
    port: port ?? derivePort(name),
    shardCount: t.number('shardCount', raw.shardCount) ?? 1,
    replication: t.boolean('replication', raw.replication) ?? false,
    persistence: t.string('persistence', raw.persistence) ?? DatabasePersistence.DISABLED,
    evictionPolicy: t.string('evictionPolicy', raw.evictionPolicy) ?? EvictionPolicy.VOLATILE_LRU,
    tlsMode: t.string('tlsMode', raw.tlsMode) ?? TlsMode.DISABLED,
    clientCertificateSecretNames: t.array('clientCertificateSecretNames', raw.clientCertificateSecretNames, 'string') ?? [],
    modules: (t.array('modules', raw.modules, 'object') ?? []).map((m) => ({ name: m.name, ...(m.args !== undefined ? { args: m.args } : {}) })),
    passwordSecretName: t.string('passwordSecretName', raw.passwordSecretName) ?? `redb-${name}`,
    proxyPolicy: t.string('proxyPolicy', raw.proxyPolicy) ?? (ossCluster ? ProxyPolicy.ALL_MASTER_SHARDS : ProxyPolicy.SINGLE),
    ossCluster,
    rolesPermissions: (t.array('rolesPermissions', raw.rolesPermissions, 'object') ?? []).map((r) => ({ role: r.role, acl: r.acl })),
    alertSettings: (t.array('alertSettings', raw.alertSettings, 'object') ?? []).map((a) => ({
      name: a.name, enabled: a.enabled ?? true, ...(a.threshold !== undefined ? { threshold: a.threshold } : {}),
    })),
    ...(backup ? {
      backup: {
        intervalSeconds: (t.number('backup.intervalHours', backup.intervalHours) ?? 24) * 3600,
        type: backup.storage,
        location: backup.location,
        ...(backup.subdir !== undefined ? { subdir: backup.subdir } : {}),
        ...(backup.credentialsSecretName !== undefined ? { credentialsSecretName: backup.credentialsSecretName } : {}),
      },
    } : {}),
  };
  return { desired, memorySize, portExplicit: port !== undefined, passwordSecretExplicit: raw.passwordSecretName !== undefined, typeFindings: t.findings };
}

/** Checks of one database's settings on their own (cross-database checks live with the cluster). */
export function validateSettings(r: ResolvedSettings, nodes: number): Finding[] {
  const s = r.desired;
  const f: Finding[] = [...r.typeFindings];
  const oneOf = (field: string, value: string, allowed: string[]) => {
    if (!allowed.includes(value)) f.push(finding('REDB015', field, `"${value}" is not one of ${allowed.join(', ')}`, `use one of ${allowed.join(', ')}`));
  };
  oneOf('type', s.type, enumValues(DatabaseType));
  oneOf('persistence', s.persistence, enumValues(DatabasePersistence));
  oneOf('evictionPolicy', s.evictionPolicy, enumValues(EvictionPolicy));
  oneOf('tlsMode', s.tlsMode, enumValues(TlsMode));
  oneOf('proxyPolicy', s.proxyPolicy, enumValues(ProxyPolicy));

  if (parseMemorySize(r.memorySize) === undefined) {
    f.push(finding('REDB003', 'memorySize', `"${r.memorySize}" is not a memory size`, 'write it as 100MB, 1GB or 512Mi'));
  } else if (s.memorySizeBytes < MIN_DATABASE_MEMORY_BYTES) {
    f.push(finding('REDB003', 'memorySize', `${r.memorySize} is below the 100MB Redis Enterprise needs`, 'set memorySize to at least 100MB'));
  }
  if (!Number.isInteger(s.shardCount) || s.shardCount < 1 || s.shardCount > MAX_SHARDS) {
    f.push(finding('REDB005', 'shardCount', `shardCount is ${s.shardCount}; Redis Enterprise allows 1 to ${MAX_SHARDS} shards`, `set shardCount between 1 and ${MAX_SHARDS}`));
  }
  if (!Number.isInteger(s.port) || s.port < MIN_DATABASE_PORT || s.port > MAX_DATABASE_PORT) {
    f.push(finding('REDB006', 'port', `port ${s.port} is outside the database port range ${MIN_DATABASE_PORT}-${MAX_DATABASE_PORT}`,
      `choose a port between ${MIN_DATABASE_PORT} and ${MAX_DATABASE_PORT}, or leave it out to derive one`));
  }
  if (s.replication && nodes < 2) {
    f.push(finding('REDB007', 'replication', `replication places each replica on another node, but the cluster has ${nodes} node(s)`));
  }
  if (s.clientCertificateSecretNames.length > 0 && s.tlsMode !== TlsMode.ENABLED) {
    f.push(finding('REDB008', 'clientCertificateSecretNames', `client certificates need TLS, but tlsMode is ${s.tlsMode}`, 'set tlsMode to TlsMode.ENABLED or remove the client certificates'));
  }
  f.push(...validateSecretNames(s, r.passwordSecretExplicit), ...validateBackup(s), ...validateLists(s), ...validateModules(s.modules), ...validateSoftwareLimits(s));
  if (s.type === DatabaseType.MEMCACHED) {
    if (s.modules.length > 0) f.push(finding('REDB010', 'modules', 'memcached databases cannot load Redis modules', 'remove the modules or use DatabaseType.REDIS'));
    if (s.ossCluster) f.push(finding('REDB010', 'ossCluster', 'the OSS cluster API is for Redis databases, not memcached', 'remove ossCluster'));
  }
  if (s.ossCluster && s.proxyPolicy === ProxyPolicy.SINGLE) {
    f.push(finding('REDB016', 'proxyPolicy', 'the OSS cluster API needs a proxy on every master shard\'s node, but proxyPolicy is single'));
  }
  return f;
}

function validateSecretNames(s: DesiredDatabaseSettings, passwordSecretExplicit: boolean): Finding[] {
  const names: Array<[string, string | undefined]> = [
    ['passwordSecretName', passwordSecretExplicit ? s.passwordSecretName : undefined],
    ...s.clientCertificateSecretNames.map((n, i): [string, string] => [`clientCertificateSecretNames[${i}]`, n]),
    ['backup.credentialsSecretName', s.backup?.credentialsSecretName],
  ];
  return names.filter(([, n]) => n !== undefined && !isDnsSubdomain(n))
    .map(([field, n]) => finding('REDB011', field, `"${n}" is not a valid Secret name`));
}

function validateBackup(s: DesiredDatabaseSettings): Finding[] {
  const b = s.backup;
  if (!b) return [];
  const f: Finding[] = [];
  if (!enumValues(BackupStorage).includes(b.type)) {
    f.push(finding('REDB009', 'backup.storage', `"${b.type}" is not a backup storage`, `use one of ${enumValues(BackupStorage).join(', ')}`));
  }
  if (typeof b.location !== 'string' || !b.location.trim()) {
    f.push(finding('REDB009', 'backup.location', 'the backup location is empty', 'set the bucket, container, URL or path'));
  }
  if (b.type !== BackupStorage.MOUNT && !b.credentialsSecretName) {
    f.push(finding('REDB009', 'backup.credentialsSecretName', `${b.type} backups need credentials`, 'name the Secret that holds the storage credentials'));
  }
  if (!BACKUP_INTERVAL_HOURS.includes(b.intervalSeconds / 3600)) {
    f.push(finding('REDB009', 'backup.intervalHours', `${b.intervalSeconds / 3600} hours is not a Redis Enterprise backup interval`, `use one of ${BACKUP_INTERVAL_HOURS.join(', ')}`));
  }
  return f;
}

function validateLists(s: DesiredDatabaseSettings): Finding[] {
  const f: Finding[] = [];
  s.modules.forEach((m, i) => {
    if (typeof m.name !== 'string' || !m.name.trim()) f.push(finding('REDB012', `modules[${i}].name`, 'the module name is empty', 'name the module as Redis Enterprise lists it'));
  });
  s.rolesPermissions.forEach((r, i) => {
    if (typeof r.role !== 'string' || !r.role.trim() || typeof r.acl !== 'string' || !r.acl.trim()) {
      f.push(finding('REDB012', `rolesPermissions[${i}]`, 'a role permission needs both a role and an ACL name', 'set role and acl as defined in Redis Enterprise'));
    }
  });
  s.alertSettings.forEach((a, i) => {
    if (typeof a.name !== 'string' || !/^bdb_[a-z_]+$/.test(a.name)) {
      f.push(finding('REDB012', `alertSettings[${i}].name`, `"${a.name}" is not a database alert name`, 'use a Redis Enterprise database alert such as bdb_size or bdb_high_latency'));
    }
  });
  return f;
}

/** Memory a database occupies in the cluster: replicas double it. */
export function footprintBytes(s: DesiredDatabaseSettings): number {
  return s.memorySizeBytes * (s.replication ? 2 : 1);
}

