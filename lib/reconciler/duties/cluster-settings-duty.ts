/**
 * Cluster-wide settings from the desired state (leader only), each read
 * first and written only when the live cluster differs:
 *
 * - `dataInternodeEncryption`: `PUT /v1/cluster/policy {data_internode_encryption}`.
 *   Runs before the databases, so new ones inherit it.
 * - `certificates`: `PUT /v1/cluster/certificates`, one certificate per
 *   request (one bad Secret does not hold the others back), when the Secret's
 *   certificate fingerprint differs from the live `<name>_cert`.
 * - `ldap`: `PUT /v1/cluster/ldap` (see ldap-settings.ts for when).
 * - `flashPath` (Auto Tiering) is a bootstrap setting (node-duty.ts); here it
 *   is only reported: how many nodes have `bigstore_enabled`.
 *
 * A refusal by Redis Enterprise (4xx) is recorded in the status with what was
 * refused (Secret resourceVersion, declared value) and not sent again until
 * that changes: no write per retry for a bad certificate. Messages carry the
 * HTTP status and `error_code` only, never the answer's text, which could
 * quote what was sent; Secret values appear nowhere.
 */
import { DesiredCertificates, DesiredLdap, DesiredState } from '../../contract/desired-state';
import { CERTIFICATE_REST_NAMES, certificateFromSecret, fingerprintOf } from '../plan/certificate-secrets';
import { DutyContext } from '../runtime/context';
import { InvolvedObject } from '../io/events';
import { LdapSecrets, ldapConfig, ldapDrift, ldapVersion } from '../plan/ldap-settings';
import { errorMessage } from '../runtime/logger';
import { M } from '../runtime/metrics';
import { ReApiError } from '../io/re-api';
import { ReNode } from '../io/re-types';
import { secretValue } from '../plan/secrets';
import { CertificateStatus, ClusterSettingsStatus, SettingStatus } from '../plan/status';

export interface ClusterSettingsOutcome {
  /** Undefined when the desired state declares none of these settings. */
  status?: ClusterSettingsStatus;
  errors: string[];
}

/** A refusal: the request itself is wrong, sending it again unchanged cannot help. */
function refused(e: unknown): e is ReApiError {
  return e instanceof ReApiError && !e.transient && e.status >= 400 && e.status < 500;
}

/** What went wrong, without the answer's text. */
function problem(e: unknown): string {
  if (e instanceof ReApiError) return e.status === 0 ? e.message : `HTTP ${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}`;
  return errorMessage(e);
}

export async function reconcileClusterSettings(
  ctx: DutyContext, state: DesiredState, nodes: ReNode[], previous: ClusterSettingsStatus | undefined, subject: InvolvedObject,
): Promise<ClusterSettingsOutcome> {
  const c = state.cluster;
  const status: ClusterSettingsStatus = {};
  ctx.metrics.declare(M.clusterSettingWrites, 'counter', 'Writes of cluster settings (certificates, LDAP, policy), by setting');
  if (c.dataInternodeEncryption !== undefined) {
    status.dataInternodeEncryption = await internodeEncryption(ctx, c.dataInternodeEncryption, previous?.dataInternodeEncryption, subject);
  }
  if (c.certificates && Object.values(c.certificates).some(Boolean)) {
    status.certificates = await certificates(ctx, c.certificates, previous?.certificates ?? [], subject);
  }
  if (c.ldap) status.ldap = await ldap(ctx, c.ldap, previous?.ldap, subject);
  if (c.flashPath) status.autoTiering = await autoTiering(ctx, c.flashPath, nodes, subject);

  const errors: string[] = [];
  const failed = (s: SettingStatus | undefined) => s && (s.state === 'error' || s.state === 'rejected');
  if (failed(status.dataInternodeEncryption)) errors.push(`cluster policy: ${status.dataInternodeEncryption!.message}`);
  for (const cert of status.certificates ?? []) if (failed(cert)) errors.push(`certificate ${cert.name}: ${cert.message}`);
  if (failed(status.ldap)) errors.push(`LDAP: ${status.ldap!.message}`);
  return { status: Object.keys(status).length > 0 ? status : undefined, errors };
}

async function internodeEncryption(
  ctx: DutyContext, value: boolean, previous: ClusterSettingsStatus['dataInternodeEncryption'], subject: InvolvedObject,
): Promise<NonNullable<ClusterSettingsStatus['dataInternodeEncryption']>> {
  try {
    const live = await ctx.re.getClusterPolicy();
    if (live.data_internode_encryption === value) return { state: 'applied', value };
    if (previous?.state === 'rejected' && previous.value === value) return previous;
    await ctx.re.putClusterPolicy({ data_internode_encryption: value });
    ctx.metrics.inc(M.clusterSettingWrites, { setting: 'policy' });
    await ctx.events.record(subject, 'Normal', 'ClusterPolicyUpdated', `cluster policy data_internode_encryption set to ${value} (default of new databases)`);
    return { state: 'applied', value };
  } catch (e) {
    const message = `data_internode_encryption ${value}: ${problem(e)}`;
    if (!refused(e)) return { state: 'error', value, message };
    await ctx.events.record(subject, 'Warning', 'ClusterSettingRejected', `Redis Enterprise refused cluster policy ${message}`);
    return { state: 'rejected', value, message };
  }
}

async function certificates(
  ctx: DutyContext, desired: DesiredCertificates, previous: CertificateStatus[], subject: InvolvedObject,
): Promise<CertificateStatus[]> {
  let live: Record<string, unknown> | undefined;
  const out: CertificateStatus[] = [];
  for (const [field, secretName] of Object.entries(desired) as Array<[keyof DesiredCertificates, string | undefined]>) {
    if (!secretName) continue;
    const name = CERTIFICATE_REST_NAMES[field];
    const entry: CertificateStatus = { name, secret: secretName, state: 'error' };
    out.push(entry);
    try {
      const secret = await ctx.kube.getSecret(secretName);
      if (secret?.metadata.resourceVersion) entry.secretVersion = secret.metadata.resourceVersion;
      const read = certificateFromSecret(secret, secretName);
      if (!read.ok) {
        entry.message = read.problem;
        continue;
      }
      entry.fingerprintSha256 = read.fingerprint;
      // The answer also holds private keys: only `<name>_cert` is looked at, nothing of it is logged.
      live ??= await ctx.re.getClusterCertificates();
      if (fingerprintOf(live[`${name}_cert`]) === read.fingerprint) {
        entry.state = 'applied';
        continue;
      }
      const prev = previous.find((p) => p.name === name);
      if (prev?.state === 'rejected' && prev.secretVersion === entry.secretVersion && prev.fingerprintSha256 === read.fingerprint) {
        entry.state = 'rejected';
        entry.message = prev.message;
        continue;
      }
      await ctx.re.putClusterCertificates([{ name, certificate: read.certificate, key: read.key }]);
      entry.state = 'applied';
      ctx.metrics.inc(M.clusterSettingWrites, { setting: 'certificate' });
      ctx.log.info('certificate installed', { certificate: name, secret: secretName, fingerprintSha256: read.fingerprint });
      await ctx.events.record(subject, 'Normal', 'CertificateInstalled', `certificate ${name} installed from Secret ${secretName} (SHA-256 ${read.fingerprint})`);
    } catch (e) {
      entry.message = `${refused(e) ? 'refused by Redis Enterprise' : 'not installed'}: ${problem(e)}`;
      if (refused(e)) {
        entry.state = 'rejected';
        await ctx.events.record(subject, 'Warning', 'ClusterSettingRejected', `certificate ${name} from Secret ${secretName} ${entry.message}`);
      }
    }
  }
  return out;
}

async function ldapSecrets(ctx: DutyContext, desired: DesiredLdap): Promise<LdapSecrets | string> {
  const bind = await ctx.kube.getSecret(desired.bindCredentialsSecretName);
  const bindDn = secretValue(bind, 'dn');
  const bindPassword = secretValue(bind, 'password');
  if (!bind || !bindDn || bindPassword === undefined) return `Secret ${desired.bindCredentialsSecretName} needs keys dn and password`;
  const secrets: LdapSecrets = { bindDn, bindPassword, bindVersion: bind.metadata.resourceVersion ?? '' };
  if (desired.caCertificateSecretName) {
    const ca = await ctx.kube.getSecret(desired.caCertificateSecretName);
    const pem = secretValue(ca, 'cert') ?? secretValue(ca, 'ca.crt');
    if (!ca || !pem) return `Secret ${desired.caCertificateSecretName} needs key cert`;
    if (!fingerprintOf(pem)) return `Secret ${desired.caCertificateSecretName} key cert is not a PEM certificate`;
    secrets.caCert = pem;
    secrets.caVersion = ca.metadata.resourceVersion ?? '';
  }
  return secrets;
}

async function ldap(
  ctx: DutyContext, desired: DesiredLdap, previous: ClusterSettingsStatus['ldap'], subject: InvolvedObject,
): Promise<NonNullable<ClusterSettingsStatus['ldap']>> {
  try {
    const secrets = await ldapSecrets(ctx, desired);
    if (typeof secrets === 'string') return { state: 'error', message: secrets };
    const wanted = ldapConfig(desired, secrets);
    const version = ldapVersion(desired, secrets);
    const drift = ldapDrift(wanted, await ctx.re.getLdap());
    const sameVersion = previous?.version === version;
    if (sameVersion && previous?.state === 'applied' && drift.length === 0) return { state: 'applied', version };
    if (sameVersion && previous?.state === 'rejected') return previous;
    try {
      await ctx.re.putLdap(wanted);
    } catch (e) {
      if (!refused(e)) throw e;
      const message = `refused by Redis Enterprise: ${problem(e)}`;
      await ctx.events.record(subject, 'Warning', 'ClusterSettingRejected', `LDAP configuration ${message}`);
      return { state: 'rejected', version, message };
    }
    ctx.metrics.inc(M.clusterSettingWrites, { setting: 'ldap' });
    const why = drift.length > 0 && sameVersion ? `live fields differed: ${drift.join(', ')}` : 'declaration or Secrets changed';
    ctx.log.info('LDAP configured', { reason: why });
    await ctx.events.record(subject, 'Normal', 'LdapConfigured', `LDAP configuration applied (${why})`);
    return { state: 'applied', version };
  } catch (e) {
    return { state: 'error', version: previous?.version, message: problem(e) };
  }
}

async function autoTiering(
  ctx: DutyContext, path: string, nodes: ReNode[], subject: InvolvedObject,
): Promise<NonNullable<ClusterSettingsStatus['autoTiering']>> {
  const nodesEnabled = nodes.filter((n) => n.bigstore_enabled === true).length;
  if (nodesEnabled === nodes.length) return { state: 'applied', path, nodesEnabled, nodes: nodes.length };
  // Documented: bigstore_enabled can only be set at bootstrap. Nothing to retry; say so.
  const message = `${nodes.length - nodesEnabled} of ${nodes.length} nodes joined without Auto Tiering (it can only be enabled when a node joins)`;
  await ctx.events.record(subject, 'Warning', 'AutoTieringIncomplete', message);
  return { state: 'incomplete', path, nodesEnabled, nodes: nodes.length, message };
}
