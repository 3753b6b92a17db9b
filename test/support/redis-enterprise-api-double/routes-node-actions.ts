/** /v1/nodes/actions, /v1/nodes/{uid}/actions[/{action}] and /v1/nodes/{uid}/snapshots (documented node action and snapshot requests). */
import { notFound, schemaError } from './errors';
import { Route, RouteContext, intParam, ok } from './router';

/** POST bodies are optional (`-d "{}"` in the docs' example); anything but an object is a schema error. */
function optionalObject(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined) return {};
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw schemaError('the request body must be a JSON object');
  return b as Record<string, unknown>;
}

export const nodeActionRoutes: Route[] = [
  // Documented: "Returns a list of action objects" for all nodes.
  { method: 'GET', pattern: /^\/v1\/nodes\/actions$/, access: 'cluster', handle: (_ctx, c) => ok(c.nodeActions.list()) },
  {
    method: 'GET', pattern: /^\/v1\/nodes\/(\d+)\/actions$/, access: 'cluster',
    handle: (ctx, c) => {
      const uid = intParam(ctx.params[0]);
      if (!c.node(uid)) throw notFound(`node ${uid}`);
      return ok({ actions: c.nodeActions.list(uid) });
    },
  },
  {
    method: 'GET', pattern: /^\/v1\/nodes\/(\d+)\/actions\/([a-z_]+)$/, access: 'cluster',
    handle: (ctx, c) => ok(c.nodeActions.json(intParam(ctx.params[0]), ctx.params[1])),
  },
  {
    method: 'POST', pattern: /^\/v1\/nodes\/(\d+)\/actions\/([a-z_]+)$/, access: 'cluster',
    handle: (ctx, c) => {
      // Documented answer: {"status": "queued", "task_id": "<guid>"}.
      return ok(c.startNodeAction(intParam(ctx.params[0]), ctx.params[1], optionalObject(ctx)));
    },
  },
  {
    method: 'DELETE', pattern: /^\/v1\/nodes\/(\d+)\/actions\/([a-z_]+)$/, access: 'cluster',
    handle: (ctx, c) => {
      c.nodeActions.cancel(intParam(ctx.params[0]), ctx.params[1]);
      return ok();
    },
  },
  { method: 'GET', pattern: /^\/v1\/nodes\/(\d+)\/snapshots$/, access: 'cluster', handle: (ctx, c) => ok(c.nodeSnapshotsJson(intParam(ctx.params[0]))) },
];
