/**
 * Free loopback ports. The kernel picks them (bind to port 0); we release
 * them and hand the numbers to the components. Another process could grab
 * one in between; the window is short, and a start failure names the log.
 */
import * as net from 'net';

function onePort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

/** `count` distinct free ports on 127.0.0.1 (held open together, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, onePort));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
