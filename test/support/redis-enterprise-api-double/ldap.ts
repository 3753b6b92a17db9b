/**
 * Cluster LDAP configuration (documented `GET/PUT/DELETE /v1/cluster/ldap`
 * and the LDAP object). PUT sets or updates (fields merge into the current
 * configuration); DELETE clears it.
 *
 * `bind_pass` is write-only: the double keeps a digest and GET shows `"***"`
 * once a password is set, as the documented example does. Documented
 * validation: `illegal_fields_combination` (400) for mutually exclusive
 * fields (`dn_group_attr`/`dn_group_query`, `user_dn_template`/
 * `user_dn_query`) or a missing required field (the double requires `uris`
 * and a user query when LDAP is enabled for a plane); wrong JSON types 400
 * `invalid_schema`; `directory_timeout_s` 5-60.
 */
import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, schemaError } from './errors';

const DEFAULTS: Record<string, unknown> = {
  uris: [], bind_dn: '', ca_cert: '', cache_ttl: 300, control_plane: false, data_plane: false,
  directory_timeout_s: 5, dn_group_attr: '', dn_group_query: {}, starttls: false, user_dn_query: {}, user_dn_template: '',
};

const TYPES: Record<string, 'string' | 'boolean' | 'integer' | 'object' | 'uris'> = {
  uris: 'uris', bind_dn: 'string', bind_pass: 'string', ca_cert: 'string', cache_ttl: 'integer', control_plane: 'boolean',
  data_plane: 'boolean', directory_timeout_s: 'integer', dn_group_attr: 'string', dn_group_query: 'object', starttls: 'boolean',
  user_dn_query: 'object', user_dn_template: 'string', cba: 'boolean', cba_identity_source: 'string', cba_identity_oid: 'string',
};

function illegal(description: string): ApiError {
  return new ApiError(400, 'illegal_fields_combination', description);
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' ? v !== '' : typeof v === 'object' && v !== null && Object.keys(v).length > 0;
}

export class LdapStore {
  private config: Record<string, unknown> = { ...DEFAULTS };
  private passDigest?: Buffer;
  /** Successful PUTs (tests count writes with it). */
  updates = 0;

  json(): Record<string, unknown> {
    return { ...this.config, bind_pass: this.passDigest ? '***' : '' };
  }

  update(body: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(body)) check(k, v);
    const next = { ...this.config, ...body };
    delete next.bind_pass;
    if (nonEmpty(next.dn_group_attr) && nonEmpty(next.dn_group_query)) throw illegal('dn_group_attr and dn_group_query are mutually exclusive');
    if (nonEmpty(next.user_dn_template) && nonEmpty(next.user_dn_query)) throw illegal('user_dn_template and user_dn_query are mutually exclusive');
    if (next.control_plane === true || next.data_plane === true) {
      if ((next.uris as string[]).length === 0) throw illegal('uris is required when LDAP is enabled');
      if (!nonEmpty(next.user_dn_template) && !nonEmpty(next.user_dn_query)) throw illegal('user_dn_template or user_dn_query is required when LDAP is enabled');
    }
    this.config = next;
    if (typeof body.bind_pass === 'string') this.passDigest = digest(body.bind_pass);
    this.updates++;
  }

  clear(): void {
    this.config = { ...DEFAULTS };
    this.passDigest = undefined;
  }

  /** Test hook: whether `password` is the bind password last set (compared by digest). */
  bindPasswordIs(password: string): boolean {
    return this.passDigest !== undefined && timingSafeEqual(this.passDigest, digest(password));
  }
}

function check(key: string, v: unknown): void {
  const type = TYPES[key];
  if (!type) throw schemaError(`unknown LDAP field ${key}`);
  const bad = () => schemaError(`LDAP field ${key} has the wrong type`);
  switch (type) {
    case 'string': if (typeof v !== 'string') throw bad(); break;
    case 'boolean': if (typeof v !== 'boolean') throw bad(); break;
    case 'integer': if (!Number.isInteger(v)) throw bad(); break;
    case 'object': if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(); break;
    case 'uris':
      // Documented: "URIs of LDAP servers that only contain the schema, host, and port".
      if (!Array.isArray(v) || !v.every((u) => typeof u === 'string' && /^ldaps?:\/\/[^/:\s]+:\d{1,5}$/.test(u))) {
        throw schemaError('uris must list ldap://host:port or ldaps://host:port URIs');
      }
  }
  if (key === 'directory_timeout_s' && ((v as number) < 5 || (v as number) > 60)) throw schemaError('directory_timeout_s must be between 5 and 60');
  if (key === 'ca_cert' && v !== '') {
    try {
      new X509Certificate(v as string);
    } catch {
      throw schemaError('ca_cert must hold PEM certificates');
    }
  }
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password).digest();
}
