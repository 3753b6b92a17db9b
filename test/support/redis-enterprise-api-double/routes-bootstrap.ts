/** GET /v1/bootstrap and POST /v1/bootstrap/{create_cluster|join_cluster|recover_cluster}. */
import type { BootstrapAction } from './bootstrap';
import { ApiError } from './errors';
import { Route, objectBody, ok } from './router';

export const bootstrapRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/v1\/bootstrap$/, access: 'bootstrap',
    handle: (ctx) => ok({ bootstrap_status: ctx.bootstrap.statusJson(), local_node_info: ctx.localNodeInfo() }),
  },
  {
    method: 'POST', pattern: /^\/v1\/bootstrap\/(create_cluster|join_cluster|recover_cluster)$/, access: 'bootstrap',
    handle: (ctx) => {
      const body = objectBody(ctx);
      const action = ctx.params[0] as BootstrapAction;
      if (body.action !== undefined && body.action !== action) {
        throw new ApiError(400, 'config_error', `body action ${JSON.stringify(body.action)} does not match the path (${action})`);
      }
      ctx.bootstrap.begin(action, body);
      // Documented: "200 OK Request received and processing begins"; no body is documented.
      return ok();
    },
  },
];
