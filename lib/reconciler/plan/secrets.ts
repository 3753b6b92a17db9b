/**
 * Secrets the reconciler creates when missing: the admin credentials and each
 * plain database's password. Values are random, from the operating system's
 * CSPRNG; they are never logged, never put into status or events, and an
 * existing Secret is never overwritten (create only; "already exists" wins).
 */
import { randomBytes } from 'node:crypto';
import { DesiredState } from '../../contract/desired-state';
import { Secret } from '../io/kube-types';
import { clusterLabels } from '../../contract/labels';

/** 192 bits, URL-safe alphabet (valid in Redis AUTH and in Basic auth). */
export function randomPassword(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export interface SecretToEnsure {
  name: string;
  /** Builds the Secret with fresh random values; only called when it is missing. */
  build(): Secret;
}

function secret(name: string, namespace: string, cluster: string, stringData: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: clusterLabels(cluster) },
    type: 'Opaque',
    stringData,
  };
}

/**
 * Secrets to create if missing. Active-Active database passwords are not
 * among them: every participating cluster must hold the same value, so the
 * user provides them (as with the official operator).
 */
export function secretsToEnsure(state: DesiredState, namespace: string): SecretToEnsure[] {
  const cluster = state.cluster.name;
  const list: SecretToEnsure[] = [{
    name: state.cluster.credentialsSecretName,
    build: () => secret(state.cluster.credentialsSecretName, namespace, cluster, {
      username: state.cluster.adminUsername,
      password: randomPassword(),
    }),
  }];
  for (const db of state.databases) {
    list.push({
      name: db.passwordSecretName,
      // `port` and `service_names` follow the official operator's redb-<db> Secret, for clients.
      build: () => secret(db.passwordSecretName, namespace, cluster, {
        password: randomPassword(),
        port: String(db.port),
        service_names: `${db.serviceName}, ${db.headlessServiceName}`,
      }),
    });
  }
  return list;
}

/** Decodes one key of a Secret read from the API (base64 `data`, or `stringData` from a fake). */
export function secretValue(s: Secret | undefined, key: string): string | undefined {
  if (!s) return undefined;
  const b64 = s.data?.[key];
  if (b64 !== undefined) return Buffer.from(b64, 'base64').toString('utf8');
  return s.stringData?.[key];
}
