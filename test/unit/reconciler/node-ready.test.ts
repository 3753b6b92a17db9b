/**
 * `/node-ready`'s checks that need no cluster: its deadline on a hung REST
 * API and its answer without credentials. The endpoint against joined and
 * failing nodes runs on the real API server: test/e2e/reconciler-in-process/node-ready.test.ts.
 */
import { ReApi } from '../../../lib/reconciler/io/re-api';
import { NodeReadiness } from '../../../lib/reconciler/runtime/node-readiness';

describe('/node-ready', () => {
  it('answers within its deadline when the REST API hangs, and does not stack a second check on a hung one', async () => {
    let calls = 0;
    const hanging = { getBootstrap: () => { calls++; return new Promise<never>(() => undefined); } } as unknown as ReApi;
    const readiness = new NodeReadiness({ re: hanging, podIp: '10.0.0.1', hasCredentials: () => true, deadlineMs: 50 });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the REST API did not answer within 50 ms' });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'the previous check of the REST API has not answered yet' });
    expect(calls).toBe(1);
  });

  it('is not ready without the admin credentials, without asking the REST API', async () => {
    let calls = 0;
    const re = { getBootstrap: () => { calls++; return Promise.resolve({}); } } as unknown as ReApi;
    const readiness = new NodeReadiness({ re, podIp: '10.0.0.1', hasCredentials: () => false });
    expect(await readiness.check()).toEqual({ ok: false, detail: 'admin credentials not read yet' });
    expect(calls).toBe(0);
  });
});
