/**
 * The kubelet's half of a projected ServiceAccount token volume, for a
 * container the harness runs itself (kwok runs none): the files the volume's
 * sources name, written into a directory that is bind-mounted at the
 * container's mount path.
 *
 * - `serviceAccountToken`: a TokenRequest for the pod's ServiceAccount, bound
 *   to the Pod, for the source's audience and `expirationSeconds`, replaced
 *   once 80% of its lifetime has passed (the kubelet's token manager rule).
 * - `configMap` `kube-root-ca.crt`: its `ca.crt`, read from the namespace
 *   (published there by the controller-manager).
 * - `downwardAPI` `metadata.namespace`.
 *
 * Files are replaced atomically (written aside, renamed over), so a reader
 * never sees half a token. Any other source is refused with a clear error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeClient, KubeObject } from '../../support/kube-client';

/** Lifetime the kubelet uses when the source gives none. */
const DEFAULT_EXPIRATION_SECONDS = 3600;
/** The kubelet refreshes a token once this share of its lifetime has passed. */
const REFRESH_AT = 0.8;

export interface IssuedToken { token: string; issuedAt: number; expiresAt: number }

function writeAtomically(file: string, content: string): void {
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(aside, content, { mode: 0o644 });
  fs.renameSync(aside, file);
}

export class ProjectedTokenMount {
  /** Every token written, oldest first (tests use the first after it expired). */
  readonly issued: IssuedToken[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly client: KubeClient,
    private readonly pod: KubeObject,
    private readonly dir: string,
    private readonly source: { audience?: string; expirationSeconds?: number; path: string },
  ) {}

  /** Writes every file of the volume into `dir` and starts the refresh; `volume` is the pod's projected volume. */
  static async start(client: KubeClient, pod: KubeObject, volume: any, dir: string): Promise<ProjectedTokenMount> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const ns = pod.metadata.namespace!;
    let token: ProjectedTokenMount | undefined;
    for (const src of volume.projected.sources as any[]) {
      if (src.serviceAccountToken) {
        token = new ProjectedTokenMount(client, pod, dir, src.serviceAccountToken);
      } else if (src.configMap?.name === 'kube-root-ca.crt') {
        const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'kube-root-ca.crt' });
        for (const item of src.configMap.items) writeAtomically(path.join(dir, item.path), cm.data[item.key]);
      } else if (src.downwardAPI?.items?.every((i: any) => i.fieldRef?.fieldPath === 'metadata.namespace')) {
        for (const item of src.downwardAPI.items) writeAtomically(path.join(dir, item.path), ns);
      } else {
        throw new Error(`projected-token: source ${JSON.stringify(src)} of volume ${volume.name} is not supported by the e2e harness`);
      }
    }
    if (!token) throw new Error(`projected-token: volume ${volume.name} has no serviceAccountToken source`);
    await token.refresh();
    return token;
  }

  /** The token file's path. */
  get tokenFile(): string {
    return path.join(this.dir, this.source.path);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    const expirationSeconds = this.source.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const tr = await this.client.call('POST', `/api/v1/namespaces/${this.pod.metadata.namespace}/serviceaccounts/${this.pod.spec.serviceAccountName}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        expirationSeconds,
        ...(this.source.audience ? { audiences: [this.source.audience] } : {}),
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: this.pod.metadata.name, uid: this.pod.metadata.uid },
      },
    });
    const expiresAt = Date.parse(tr.status.expirationTimestamp);
    const issuedAt = Date.now();
    writeAtomically(this.tokenFile, tr.status.token);
    this.issued.push({ token: tr.status.token, issuedAt, expiresAt });
    if (this.stopped) return;
    // Unref'd: a test file that forgets stop() is not kept alive by it.
    this.timer = setTimeout(() => {
      // A failure (the pod or namespace is gone at the end of a file) ends the refresh, as the pod's end ends the kubelet's.
      this.refresh().catch(() => this.stop());
    }, Math.max(1000, (expiresAt - issuedAt) * REFRESH_AT));
    this.timer.unref();
  }
}
