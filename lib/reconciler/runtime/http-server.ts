/**
 * `/metrics` (Prometheus text), `/healthz` (liveness: the process serves and
 * no pass is wedged), `/readyz` (readiness: the desired state was read and
 * this pod's node is in the cluster), `/node-ready` (the node container's
 * readiness, see node-readiness.ts) and `/prestop` (the node container's
 * preStop hook: answered once the node is drained, or the drain gave up).
 * Plain HTTP: probes, hooks and scrapes come from the kubelet and Prometheus
 * inside the cluster network.
 */
import { SIDECAR_PATHS } from '../../contract/sidecar';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Metrics } from './metrics';

export interface Probes {
  healthy(): { ok: boolean; detail: string };
  ready(): { ok: boolean; detail: string };
  /** The `redis-enterprise-node` container's readiness: an authenticated check of its REST API. */
  nodeReady?(): Promise<{ ok: boolean; detail: string }>;
  /**
   * The preStop drain. Always answered 200: the kubelet stops the container
   * whatever the hook returns, so an error code would only add a
   * FailedPreStopHook event to the Warning event the drain records itself.
   */
  prestop?(): Promise<string>;
}

export function startHttpServer(host: string, port: number, metrics: Metrics, probes: Probes): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === SIDECAR_PATHS.metrics) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.render());
      return;
    }
    if (path === SIDECAR_PATHS.prestop && probes.prestop) {
      probes.prestop().then(
        (detail) => res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${detail}\n`),
        () => res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('drain failed\n'),
      );
      return;
    }
    if (path === SIDECAR_PATHS.nodeReady && probes.nodeReady) {
      probes.nodeReady().then(
        (r) => res.writeHead(r.ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${r.detail}\n`),
        () => res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('check failed\n'),
      );
      return;
    }
    const probe = path === SIDECAR_PATHS.healthz ? probes.healthy() : path === SIDECAR_PATHS.readyz ? probes.ready() : undefined;
    if (!probe) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(probe.ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${probe.detail}\n`);
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function boundPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
