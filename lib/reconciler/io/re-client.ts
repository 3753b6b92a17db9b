/**
 * The Redis Enterprise REST API over HTTPS with Basic auth, using Node's own
 * https module (no dependency). One request per call: retrying is the
 * caller's decision (see `retry.ts`), because only the caller knows whether a
 * request is safe to repeat. Error messages carry method, path, status and
 * the documented `error_code`, never request bodies (they may hold passwords).
 *
 * TLS is always verified: against REDIS_ENTERPRISE_API_CA_FILE when set
 * (chain and hostname), against the pinned certificates of
 * `certificate-pins.ts` for the pod's own loopback REST API otherwise, and
 * against the system CAs for any other URL.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { CertificatePins, pemOf, ProbeOutcome } from './certificate-pins';
import { ReApi, ReApiError } from './re-api';
import {
  Bdb, BdbAlertSetting, BdbUpgradeRequest, BootstrapRequest, BootstrapStatus, CertificateUpdate, Crdb, CrdbInstance, CrdbTask, LdapConfig, NodeActionName,
  NodeActionStatus, ReAction, ReNode, ReNodeStatus, ReRedisAcl, ReRole,
} from './re-types';

/** `x-timeout-seconds: 900` of PUT /v1/cluster/certificates in the OpenAPI spec. */
export const CERTIFICATE_UPDATE_TIMEOUT_MS = 900_000;

export interface Credentials { username: string; password: string }

export interface ReClientOptions {
  baseUrl: string;
  /** Current admin credentials (they may appear after start-up, when the Secret is created). */
  credentials: () => Credentials | undefined;
  /** A CA bundle: standard verification (chain and hostname). */
  ca?: string | Buffer;
  /** Without a CA, a loopback URL is verified against these pinned certificates (certificate-pins.ts). */
  pins?: CertificatePins;
  timeoutMs: number;
  /** Told what a handshake-only probe found (fingerprint only). */
  onProbe?: (fingerprint: string, outcome: ProbeOutcome) => void;
  /** Called after every request with the path pattern (no ids) and the status (0 for no answer). */
  onRequest?: (method: string, route: string, status: number) => void;
  /** Told the status of every answer to a request sent with credentials, and which ones (the object `credentials()` gave). */
  onAuthenticatedAnswer?: (credentials: Credentials, status: number) => void;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\./.test(hostname);
}

/** Replaces ids in a path so that metrics have a bounded set of labels. */
export function routeOf(path: string): string {
  return path.split('?')[0].replace(/\/[0-9]+(?=\/|$)/g, '/{uid}').replace(/\/[0-9a-f-]{16,}(?=\/|$)/gi, '/{id}');
}

export class ReClient implements ReApi {
  private readonly url: URL;
  private agent: http.Agent;
  private agentPins = -1;

  constructor(private readonly options: ReClientOptions) {
    this.url = new URL(options.baseUrl);
    this.agent = this.makeAgent();
  }

  private get pinned(): CertificatePins | undefined {
    return this.url.protocol === 'https:' && this.options.ca === undefined && isLoopback(this.url.hostname) ? this.options.pins : undefined;
  }

  private makeAgent(): http.Agent {
    if (this.url.protocol !== 'https:') return new http.Agent({ keepAlive: true, maxSockets: 8 });
    const pins = this.pinned;
    if (!pins) {
      // A CA file: chain and hostname verified. Off the pod without one: the system CAs. Never off.
      return new https.Agent({ keepAlive: true, maxSockets: 8, ca: this.options.ca });
    }
    this.agentPins = pins.version;
    return new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      // The pinned certificates are the only trust anchors; a pinned leaf is an anchor of its own.
      ca: pins.anchors.length > 0 ? pins.anchors : undefined,
      allowPartialTrustChain: true,
      rejectUnauthorized: true,
      // Pinning the exact certificate replaces the hostname check (the node's certificate names the cluster, not localhost).
      checkServerIdentity: (_host, cert) => pins.check(cert.fingerprint256),
    } as https.AgentOptions);
  }

  /** A pin set that changed since the agent was made gets a new agent (and open connections go). */
  private async ensureTrust(): Promise<void> {
    const pins = this.pinned;
    if (!pins) return;
    if (!pins.ready) throw new Error('REST API certificate trust is not established yet (the desired state has not been read)');
    if (pins.needsProbe) {
      const { fingerprint, outcome } = pins.probed(await this.probeCertificate());
      this.options.onProbe?.(fingerprint, outcome);
    }
    if (this.agentPins !== pins.version) {
      this.agent.destroy();
      this.agent = this.makeAgent();
    }
  }

  /** A TLS handshake only (nothing is sent over it): the certificate the node presents. */
  private probeCertificate(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: this.url.hostname.replace(/^\[|\]$/g, ''), port: Number(this.url.port || 443), rejectUnauthorized: false, timeout: this.options.timeoutMs,
      }, () => {
        const cert = socket.getPeerCertificate();
        socket.destroy();
        if (!cert?.raw) reject(new Error('the REST API presented no certificate'));
        else resolve(pemOf(cert.raw));
      });
      socket.on('timeout', () => socket.destroy(new Error(`no TLS handshake within ${this.options.timeoutMs} ms`)));
      socket.on('error', reject);
    });
  }

  close(): void { this.agent.destroy(); }

  async request<T>(method: string, path: string, body?: unknown, auth = true, timeoutMs = this.options.timeoutMs): Promise<T> {
    const route = routeOf(path);
    try {
      await this.ensureTrust();
    } catch (e) {
      this.options.onRequest?.(method, route, 0);
      throw new ReApiError(0, `${method} ${route}: ${(e as Error).message}`);
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const creds = auth ? this.options.credentials() : undefined;
    if (creds) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const mod = this.url.protocol === 'https:' ? https : http;
    const target = new URL(path, this.url);
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(target, { method, headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => fail(0, `response aborted: ${e.message}`));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          this.options.onRequest?.(method, route, status);
          if (creds) this.options.onAuthenticatedAnswer?.(creds, status);
          if (status >= 200 && status < 300) {
            if (text.trim() === '') return resolve(undefined as T);
            try {
              return resolve(JSON.parse(text) as T);
            } catch {
              return reject(new ReApiError(status, `${method} ${route}: answer is not JSON`));
            }
          }
          let code: string | undefined;
          let detail = '';
          try {
            const parsed = JSON.parse(text) as { error_code?: string; message?: string; description?: string };
            code = parsed.error_code;
            detail = parsed.message ?? parsed.description ?? '';
          } catch { /* not JSON: keep the status only */ }
          reject(new ReApiError(status, `${method} ${route}: HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail.slice(0, 200)}` : ''}`, code));
        });
      });
      let settled = false;
      const fail = (status: number, message: string) => {
        if (settled) return;
        settled = true;
        this.options.onRequest?.(method, route, status);
        reject(new ReApiError(status, `${method} ${route}: ${message}`));
      };
      req.on('timeout', () => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (e) => fail(0, e.message));
      if (payload) req.write(payload);
      req.end();
    });
  }

  getBootstrap(): Promise<BootstrapStatus> { return this.request('GET', '/v1/bootstrap'); }
  async bootstrap(request: BootstrapRequest): Promise<void> {
    await this.request('POST', `/v1/bootstrap/${request.action}`, request, false);
  }

  listNodes(): Promise<ReNode[]> { return this.request('GET', '/v1/nodes'); }
  nodesStatus(): Promise<Record<string, ReNodeStatus>> { return this.request('GET', '/v1/nodes/status'); }
  nodeStatus(uid: number): Promise<ReNodeStatus> { return this.request('GET', `/v1/nodes/${uid}/status`); }
  startNodeAction(uid: number, action: NodeActionName, body: Record<string, unknown>): Promise<NodeActionStatus> {
    return this.request('POST', `/v1/nodes/${uid}/actions/${action}`, body);
  }
  getNodeAction(uid: number, action: NodeActionName): Promise<NodeActionStatus> { return this.request('GET', `/v1/nodes/${uid}/actions/${action}`); }
  listNodeActions(): Promise<NodeActionStatus[]> { return this.request('GET', '/v1/nodes/actions'); }

  getClusterCertificates(): Promise<Record<string, unknown>> { return this.request('GET', '/v1/cluster/certificates'); }
  async putClusterCertificates(certificates: CertificateUpdate[]): Promise<void> {
    // The OpenAPI spec gives this request x-timeout-seconds: 900 (every node is updated in turn).
    await this.request('PUT', '/v1/cluster/certificates', { certificates }, true, Math.max(this.options.timeoutMs, CERTIFICATE_UPDATE_TIMEOUT_MS));
  }
  getLdap(): Promise<LdapConfig> { return this.request('GET', '/v1/cluster/ldap'); }
  async putLdap(config: LdapConfig): Promise<void> { await this.request('PUT', '/v1/cluster/ldap', config); }
  getClusterPolicy(): Promise<Record<string, unknown>> { return this.request('GET', '/v1/cluster/policy'); }
  async putClusterPolicy(body: Record<string, unknown>): Promise<void> { await this.request('PUT', '/v1/cluster/policy', body); }

  listBdbs(): Promise<Bdb[]> { return this.request('GET', '/v1/bdbs'); }
  createBdb(body: Record<string, unknown>): Promise<Bdb> { return this.request('POST', '/v1/bdbs', body); }
  updateBdb(uid: number, body: Record<string, unknown>): Promise<Bdb> { return this.request('PUT', `/v1/bdbs/${uid}`, body); }
  async deleteBdb(uid: number): Promise<void> { await this.request('DELETE', `/v1/bdbs/${uid}`); }
  async setBdbPassword(uid: number, password: string): Promise<void> {
    await this.request('PUT', `/v1/bdbs/${uid}/passwords`, { password });
  }
  async addBdbPassword(uid: number, password: string): Promise<void> {
    await this.request('POST', `/v1/bdbs/${uid}/passwords`, { password });
  }
  upgradeBdb(uid: number, body: BdbUpgradeRequest): Promise<Bdb> { return this.request('POST', `/v1/bdbs/${uid}/upgrade`, body); }
  getBdbAlerts(uid: number): Promise<Record<string, BdbAlertSetting>> { return this.request('GET', `/v1/bdbs/alerts/${uid}`); }
  async setBdbAlerts(uid: number, alerts: Record<string, BdbAlertSetting>): Promise<void> {
    await this.request('POST', `/v1/bdbs/alerts/${uid}`, alerts);
  }
  recoverBdb(uid: number): Promise<{ action_uid?: string }> { return this.request('POST', `/v1/bdbs/${uid}/actions/recover`); }
  getAction(actionUid: string): Promise<ReAction> { return this.request('GET', `/v1/actions/${encodeURIComponent(actionUid)}`); }

  // No `username`: the request acts on the authenticated user, in every version of the page.
  async addUserPassword(newPassword: string): Promise<void> {
    await this.request('POST', '/v1/users/password', { new_password: newPassword });
  }
  async deleteUserPassword(oldPassword: string): Promise<void> {
    await this.request('DELETE', '/v1/users/password', { old_password: oldPassword });
  }

  listRoles(): Promise<ReRole[]> { return this.request('GET', '/v1/roles'); }
  listRedisAcls(): Promise<ReRedisAcl[]> { return this.request('GET', '/v1/redis_acls'); }

  listCrdbs(): Promise<Crdb[]> { return this.request('GET', '/v1/crdbs'); }
  createCrdb(body: Crdb): Promise<CrdbTask> { return this.request('POST', '/v1/crdbs', body); }
  patchCrdb(guid: string, body: Partial<Crdb>): Promise<CrdbTask> { return this.request('PATCH', `/v1/crdbs/${encodeURIComponent(guid)}`, body); }
  updateCrdbInstances(guid: string, body: { add_instances?: CrdbInstance[]; remove_instances?: number[] }): Promise<CrdbTask> {
    return this.request('POST', `/v1/crdbs/${encodeURIComponent(guid)}/updates`, body);
  }
  upgradeCrdb(guid: string, body: BdbUpgradeRequest): Promise<CrdbTask> { return this.request('POST', `/v1/crdbs/${encodeURIComponent(guid)}/upgrade`, body); }
  getCrdbTask(id: string): Promise<CrdbTask> { return this.request('GET', `/v1/crdb_tasks/${encodeURIComponent(id)}`); }
}
