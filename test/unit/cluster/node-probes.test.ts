/**
 * The probes of the synthesized node pod: what the kubelet will run. The
 * node container's readiness goes through the sidecar (the REST API needs
 * credentials once the node is in a cluster); start-up and liveness stay on
 * the REST API's TCP port.
 */
import { container, synthCluster } from '../../support/synth';

const objects = synthCluster();

describe('node pod probes', () => {
  test('redis-enterprise-node: startup and liveness on TCP 9443, readiness on the sidecar /node-ready', () => {
    const node = container(objects, 'redis-enterprise-node');
    expect(node.startupProbe).toEqual({ tcpSocket: { port: 9443 }, periodSeconds: 10, failureThreshold: 60 });
    expect(node.livenessProbe).toEqual({ tcpSocket: { port: 9443 }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 8 });
    expect(node.readinessProbe).toEqual({
      httpGet: { path: '/node-ready', port: 8090, scheme: 'HTTP' },
      periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
    });
  });

  test('no probe of the node container calls the REST API over HTTP (it would need credentials)', () => {
    const node = container(objects, 'redis-enterprise-node');
    for (const p of [node.startupProbe, node.livenessProbe, node.readinessProbe]) {
      expect(p.httpGet?.port).not.toBe(9443);
      expect(p.exec).toBeUndefined();
    }
  });

  test('the sidecar port the readiness probe names is a port the reconciler container declares', () => {
    const node = container(objects, 'redis-enterprise-node');
    const reconciler = container(objects, 'reconciler');
    expect(reconciler.ports.map((p: any) => p.containerPort)).toContain(node.readinessProbe.httpGet.port);
    expect(reconciler.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8090 });
    expect(reconciler.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8090 });
  });
});
