/**
 * JSON over HTTPS to the Kubernetes API server (node:https, keep-alive), and
 * watch streams: one JSON event per line of a chunked response.
 *
 * Errors are {@link KubeApiError}s with the HTTP status and the server's
 * short Status `message` only (status 0 when no answer came). Bodies and
 * headers never go into an error: they may hold Secret data or a token.
 */
import * as https from 'node:https';
import { ClientRequest, IncomingMessage } from 'node:http';
import { KubeApiError, WatchEvent } from './kube-api';
import { KubeConnection } from './kube-config';

export interface KubeHttpOptions {
  /** Bound on one ordinary request (not on a watch). */
  timeoutMs?: number;
}

export interface WatchStream { stop(): void }

/** The server's short message from a Status body, or a generic one. */
function statusMessage(status: number, text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
  } catch { /* not JSON */ }
  return `HTTP ${status}`;
}

function transportError(e: unknown): KubeApiError {
  const err = e as NodeJS.ErrnoException;
  return new KubeApiError(0, err.code ? `${err.code}: ${err.message.split('\n')[0]}` : String(err.message ?? e).split('\n')[0]);
}

export class KubeHttpClient {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly conn: KubeConnection, options: KubeHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.agent = new https.Agent({
      keepAlive: true,
      ca: conn.ca,
      cert: conn.cert,
      key: conn.key,
      rejectUnauthorized: !conn.insecureSkipTlsVerify,
    });
  }

  /** Closes idle keep-alive sockets (open watches are stopped by their owners). */
  close(): void {
    this.agent.destroy();
  }

  private headers(extra: Record<string, string | number>): Record<string, string | number> {
    const token = this.conn.token?.current();
    return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  }

  private open(method: string, path: string, headers: Record<string, string | number>, timeoutMs: number): ClientRequest {
    const { server } = this.conn;
    return https.request({
      host: server.hostname.replace(/^\[|\]$/g, ''),
      port: server.port || 443,
      method,
      path,
      agent: this.agent,
      timeout: timeoutMs,
      headers: this.headers(headers),
    });
  }

  /** One call; resolves with the parsed JSON body of a 2xx answer. */
  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    try {
      return await this.requestOnce<T>(method, path, body, contentType);
    } catch (e) {
      // A rotated token: read the file again and retry once.
      if (!(e instanceof KubeApiError && e.status === 401 && this.conn.token)) throw e;
      this.conn.token.invalidate();
      return this.requestOnce<T>(method, path, body, contentType);
    }
  }

  private requestOnce<T>(method: string, path: string, body: unknown, contentType: string): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = this.open(method, path,
        payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }, this.timeoutMs);
      req.on('timeout', () => req.destroy(new KubeApiError(0, `${method} ${path.split('?')[0]}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e: Error) => reject(e instanceof KubeApiError ? e : transportError(e)));
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(new KubeApiError(status, statusMessage(status, text)));
          try {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } catch {
            reject(new KubeApiError(status, `${method} ${path.split('?')[0]}: the answer is not JSON`));
          }
        });
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /**
   * Opens a watch (`path` carries `watch=1` and its query). Resolves once the
   * server answered 200; rejects with a KubeApiError otherwise (410 when the
   * resourceVersion is too old). Then `onEvent` gets each line, and `onClose`
   * is called exactly once: without an error when the server ended the
   * stream or `stop()` was called, with a KubeApiError when it broke.
   */
  watch(path: string, onEvent: (e: WatchEvent) => void, onClose: (error?: KubeApiError) => void): Promise<WatchStream> {
    return new Promise<WatchStream>((resolve, reject) => {
      let stopped = false;
      let answered = false;
      let closed = false;
      const close = (error?: KubeApiError) => {
        if (closed) return;
        closed = true;
        onClose(stopped ? undefined : error);
      };
      const fail = (error: KubeApiError) => {
        close(error);
        req.destroy();
      };
      // No socket timeout: the server ends the stream itself (timeoutSeconds).
      const req = this.open('GET', path, {}, 0);
      const stream: WatchStream = {
        stop: () => {
          if (stopped) return;
          stopped = true;
          req.destroy();
          close();
        },
      };
      req.on('error', (e: Error) => {
        if (!answered) return reject(transportError(e));
        close(transportError(e));
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        answered = true;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (status === 401) this.conn.token?.invalidate();
            reject(new KubeApiError(status, statusMessage(status, Buffer.concat(chunks).toString('utf8'))));
          });
          return;
        }
        resolve(stream);
        res.setEncoding('utf8');
        let buffered = '';
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while (!closed && (nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              fail(new KubeApiError(0, 'watch: a line of the stream is not JSON'));
              return;
            }
            onEvent(event);
            if (event.type === 'ERROR') {
              // The server ends the stream after an ERROR event (e.g. 410 Gone).
              const code = event.object.code ?? 500;
              fail(new KubeApiError(code, event.object.message ?? `watch error ${code}`));
            }
          }
        });
        res.on('end', () => close());
        res.on('aborted', () => close(new KubeApiError(0, 'watch: the connection was cut')));
        res.on('error', (e) => close(transportError(e)));
      });
      req.end();
    });
  }
}
