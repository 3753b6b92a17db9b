/**
 * One probe execution, as the kubelet's prober does it (pkg/probe/http,
 * pkg/probe/tcp), but always against 127.0.0.1: the container port is mapped
 * to the loopback port of whatever stands in for that container (a REST API
 * double, a reconciler). Simulated pod IPs are never dialled.
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';

export interface ProbeSpec {
  httpGet?: { path?: string; port: number | string; scheme?: string; host?: string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { port: number | string; host?: string };
  exec?: unknown;
  grpc?: unknown;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface CheckResult { ok: boolean; detail: string }

/** The kubelet reads at most this much of a probe's answer (pkg/probe/http maxRespBodyLength). */
const MAX_BODY = 10 * 1024;

/** A named port resolves through the container's ports, as the kubelet resolves it. */
export function containerPort(port: number | string, ports: Array<{ name?: string; containerPort: number }>): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return ports.find((p) => p.name === port)?.containerPort;
}

/**
 * Runs `probe` once. `loopbackPort` maps a container port to the stand-in's
 * port on 127.0.0.1, or is undefined when nothing stands in for it (then the
 * probe fails as a refused connection would).
 */
export async function runProbe(
  probe: ProbeSpec, ports: Array<{ name?: string; containerPort: number }>, loopbackPort: (containerPort: number) => number | undefined,
): Promise<CheckResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const action = probe.httpGet ?? probe.tcpSocket;
  if (!action) return { ok: false, detail: `${probe.exec ? 'exec' : probe.grpc ? 'grpc' : 'this'} probe is not simulated by the harness` };
  const cport = containerPort(action.port, ports);
  if (cport === undefined) return { ok: false, detail: `port ${action.port} is not a port of the container` };
  const port = loopbackPort(cport);
  if (port === undefined) return { ok: false, detail: `dial tcp :${cport}: connect: connection refused (no stand-in for container port ${cport})` };
  return probe.httpGet ? httpProbe(probe.httpGet, port, timeoutMs) : tcpProbe(port, timeoutMs);
}

function httpProbe(get: NonNullable<ProbeSpec['httpGet']>, port: number, timeoutMs: number): Promise<CheckResult> {
  const secure = (get.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/e2e-harness', Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const options = {
      host: '127.0.0.1', port, path: get.path ?? '/', method: 'GET', headers, timeout: timeoutMs, agent: false as const,
      // The kubelet does not verify a probe's certificate.
      ...(secure ? { rejectUnauthorized: false } : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < MAX_BODY) body += c; });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        // 2xx and 3xx succeed; the kubelet follows a redirect to the same host, this harness does not.
        resolve(code >= 200 && code < 400
          ? { ok: true, detail: `HTTP ${code}` }
          : { ok: false, detail: `HTTP probe failed with statuscode: ${code}${body.trim() ? ` (${body.trim().slice(0, 200)})` : ''}` });
      });
      res.on('error', (e) => resolve({ ok: false, detail: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (Client.Timeout exceeded while awaiting headers, ${timeoutMs} ms)`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}

function tcpProbe(port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (r: CheckResult) => { socket.destroy(); resolve(r); };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: `dial tcp :${port}: i/o timeout` }));
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('error', (e) => done({ ok: false, detail: e.message }));
  });
}
