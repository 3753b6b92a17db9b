/**
 * Following a bootstrap action (`POST /v1/bootstrap/{action}` is asynchronous;
 * the documented way is to poll `GET /v1/bootstrap`) to its end, bounded by
 * the poll timeout.
 */
import { sleep } from '../runtime/backoff';
import { DutyContext } from '../runtime/context';
import { errorMessage } from '../runtime/logger';
import { BootstrapStatus } from '../io/re-types';

type BootstrapStatusBody = NonNullable<BootstrapStatus['bootstrap_status']>;

/** `completed`, `error` (with the documented code and details) or `timeout` (still running when the poll gave up). */
export type BootstrapEnd =
  | { state: 'completed' }
  | { state: 'error'; errorCode?: string; details?: BootstrapStatusBody['error_details'] }
  | { state: 'timeout' };

export async function awaitBootstrap(ctx: DutyContext): Promise<BootstrapEnd> {
  const deadline = Date.now() + ctx.poll.timeoutMs;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    let status: BootstrapStatusBody | undefined;
    try {
      status = (await ctx.re.getBootstrap()).bootstrap_status;
    } catch (e) {
      ctx.log.debug('bootstrap status not readable yet', { error: errorMessage(e) });
    }
    if (status?.state === 'completed') return { state: 'completed' };
    if (status?.state === 'error') return { state: 'error', errorCode: status.error_code, details: status.error_details };
    await sleep(ctx.poll.intervalMs, ctx.signal);
  }
  return { state: 'timeout' };
}
