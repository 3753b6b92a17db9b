/**
 * Health probes of the components, all on loopback. A probe that sees its
 * component exit stops waiting at once and reports the log tail.
 */
import * as http from 'http';
import * as https from 'https';
import { Component, tail } from './process-group';

/** GET a loopback URL; answers the status code, or 0 when nothing answered. */
export function probe(url: string): Promise<number> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`refusing to probe non-loopback ${url}`);
  const get = u.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve) => {
    // rejectUnauthorized false: KCM and the scheduler serve self-signed certs made at start;
    // we only read their health, and only on 127.0.0.1.
    const req = get(url, { rejectUnauthorized: false, timeout: 5_000 } as https.RequestOptions, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export class StartError extends Error {}

/** Polls `check` until true; fails early when `comp` exits, and on timeout, with its log tail. */
export async function waitUntil(comp: Component, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (comp.exited) {
      throw new StartError(
        `${comp.name} exited (code ${comp.exited.code}, signal ${comp.exited.signal}) before ${what}. ` +
          `Last lines of ${comp.logFile}:\n${tail(comp.logFile)}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new StartError(`${comp.name}: ${what} not reached within ${timeoutMs / 1000} s. Last lines of ${comp.logFile}:\n${tail(comp.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
