/** Secrets with certificates that replace Redis Enterprise's self-signed ones (keys `tls.crt`/`tls.key`, optional `ca.crt`). */
export interface ClusterCertificatesProps {
  /** REST API (9443). @default - self-signed */
  readonly apiCertificateSecretName?: string;
  /** Database proxy: the certificate clients see. @default - self-signed */
  readonly proxyCertificateSecretName?: string;
  /** Active-Active syncer (replication between clusters). @default - self-signed */
  readonly syncerCertificateSecretName?: string;
  /** Cluster Manager UI (8443). @default - self-signed */
  readonly uiCertificateSecretName?: string;
  /** Metrics exporter (8070). @default - self-signed */
  readonly metricsCertificateSecretName?: string;
}

export enum LdapProtocol {
  LDAP = 'LDAP',
  LDAPS = 'LDAPS',
  STARTTLS = 'STARTTLS',
}

export interface LdapServer {
  readonly host: string;
  /** @default 389, or 636 with LDAPS */
  readonly port?: number;
}

/** LDAP authentication for the Cluster Manager (control plane) and databases (data plane). */
export interface LdapProps {
  readonly protocol: LdapProtocol;
  readonly servers: LdapServer[];
  /** Secret with keys `dn` and `password` of the bind user. */
  readonly bindCredentialsSecretName: string;
  /** Secret with key `cert`: the CA of the LDAP servers. @default - the system CAs */
  readonly caCertificateSecretName?: string;
  /** Query template to find a user, e.g. `cn=%u,ou=people,dc=example,dc=com`. */
  readonly authenticationQueryTemplate: string;
  /** Attribute listing a user's groups, e.g. `memberOf`. */
  readonly authorizationAttribute: string;
  /** @default true */
  readonly enabledForControlPlane?: boolean;
  /** @default false */
  readonly enabledForDataPlane?: boolean;
}

/**
 * Auto Tiering (Redis Flex): part of each database on flash. Each node gets
 * a second volume claim template `redis-enterprise-flash`; unlike the
 * persistent volume this one is meant to be fast local NVMe.
 */
export interface AutoTieringProps {
  readonly storageClassName: string;
  /** @default - 2 × the persistent volume size */
  readonly flashDiskSize?: string;
}
