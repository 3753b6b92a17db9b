/**
 * A container's lifecycle hook, run as the kubelet runs it
 * (pkg/kubelet/lifecycle/handlers.go), but against 127.0.0.1: the hook's
 * port is mapped to the loopback port of whatever stands in for the
 * container that listens on it (containers of a pod share one network, so a
 * node container's preStop reaches the sidecar's port). Simulated pod IPs are
 * never dialled. Only httpGet hooks are simulated (exec and sleep fail).
 */
import * as http from 'http';
import { containerPort } from './probe-check';

export interface HookOutcome {
  ok: boolean;
  /** HTTP status and the start of the answer, or why the hook failed. */
  detail: string;
}

export interface HttpGetAction {
  path?: string; port: number | string; host?: string; scheme?: string;
  httpHeaders?: Array<{ name: string; value: string }>;
}

/** Node's timers hold at most this (a year-long grace period would otherwise fire at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Reads at most this much of the hook's answer (the kubelet discards it; the harness keeps it for the history). */
const MAX_BODY = 10 * 1024;

/**
 * Runs `hook` (a container's `lifecycle.preStop` or `postStart`) once,
 * bounded by `timeoutMs` (the kubelet's bound is the pod's grace period).
 */
export async function runHttpHook(
  hook: { httpGet?: HttpGetAction; exec?: unknown; sleep?: unknown }, ports: Array<{ name?: string; containerPort: number }>,
  loopbackPort: (containerPort: number) => number | undefined, timeoutMs: number,
): Promise<HookOutcome> {
  const get = hook.httpGet;
  if (!get) return { ok: false, detail: `${hook.exec ? 'exec' : hook.sleep ? 'sleep' : 'this'} hook is not simulated by the harness` };
  if ((get.scheme ?? 'HTTP').toUpperCase() !== 'HTTP') return { ok: false, detail: `scheme ${get.scheme} is not simulated by the harness` };
  const cport = containerPort(get.port, ports);
  if (cport === undefined) return { ok: false, detail: `port ${get.port} is not a port of the pod` };
  const port = loopbackPort(cport);
  if (port === undefined) return { ok: false, detail: `dial tcp :${cport}: connect: connection refused (no stand-in for port ${cport})` };
  const bound = Math.min(timeoutMs, MAX_TIMER_MS);
  const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/e2e-harness' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: get.path ?? '/', method: 'GET', headers, timeout: bound, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < MAX_BODY) body += c; });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const text = body.trim().slice(0, 300);
        // The kubelet counts 2xx and 3xx as success (a redirect it would follow; the harness does not).
        resolve({ ok: code >= 200 && code < 400, detail: `HTTP ${code}${text ? `: ${text}` : ''}` });
      });
      res.on('error', (e) => resolve({ ok: false, detail: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`the hook did not answer within the grace period (${bound} ms)`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}
