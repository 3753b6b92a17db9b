/**
 * Route table of the test double. A route is either reachable before the node
 * joined a cluster (`bootstrap`: no auth until the node is part of a cluster,
 * as documented) or needs the cluster (`cluster`: Basic auth with the cluster
 * admin credentials).
 */
import type { NodeBootstrap } from './bootstrap';
import type { ApiDoubleCluster } from './cluster-state';
import { ApiError } from './errors';

export interface RouteContext {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Parsed JSON body (undefined when the request had none). */
  readonly body: unknown;
  /** Captured groups of the route pattern. */
  readonly params: string[];
  readonly bootstrap: NodeBootstrap;
  /** The Basic auth username of a request that passed authentication (cluster routes). */
  readonly authenticatedUser?: string;
  /** `local_node_info` of GET /v1/bootstrap. */
  localNodeInfo(): Record<string, unknown>;
}

/** `body: undefined` sends 200 with an empty body, as documented for e.g. DELETE /v1/bdbs. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** A long-running request: answered when the registry's clock reaches this time (ms). */
  readonly answerAt?: number;
}

export type Route =
  | { method: string; pattern: RegExp; access: 'bootstrap'; handle(ctx: RouteContext): RouteResult }
  | { method: string; pattern: RegExp; access: 'cluster'; handle(ctx: RouteContext, cluster: ApiDoubleCluster): RouteResult };

export function ok(body?: unknown): RouteResult {
  return { status: 200, body };
}

export function findRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: m.slice(1) };
  }
  if (pathMatched) throw new ApiError(405, 'method_not_allowed', `${method} is not supported on ${path}`);
  throw new ApiError(404, 'not_found', `${path} is not part of the API subset this test double serves`);
}

/** The JSON object body a write request must carry. */
export function objectBody(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new ApiError(400, 'invalid_schema', 'the request body must be a JSON object');
  }
  return b as Record<string, unknown>;
}

/** Documented `fields` query parameter: a comma-separated list of fields to return. */
export function selectFields(obj: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const fields = query.get('fields');
  if (!fields) return obj;
  const wanted = new Set(fields.split(',').map((f) => f.trim()).filter(Boolean));
  return Object.fromEntries(Object.entries(obj).filter(([k]) => wanted.has(k)));
}

export function intParam(s: string): number {
  return Number.parseInt(s, 10);
}
