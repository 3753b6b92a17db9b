/**
 * Error answers of the Redis Enterprise REST API test double.
 *
 * The documented error body is a JSON object with `error_code` and a human
 * readable text. The bdbs and cluster request pages call that text `message`,
 * while answers seen from real clusters (and the project brief, our contract
 * with the reconciler) carry `description`; the double sends
 * `{"error_code": ..., "description": ...}`. Descriptions never contain
 * credentials, license text or other request values that may be secret.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly description: string,
    /** Extra documented fields (e.g. `current_rack_ids`), merged into the body. */
    readonly details?: Record<string, unknown>,
  ) {
    super(`${status} ${errorCode}: ${description}`);
    this.name = 'ApiError';
  }

  body(): Record<string, unknown> {
    return { error_code: this.errorCode, description: this.description, ...this.details };
  }
}

/** 400: the request is not valid JSON or a field has the wrong JSON type (schema violation). */
export function schemaError(description: string): ApiError {
  // `invalid_schema` is not in the documented code tables; it names what the
  // real server's JSON-schema check rejects (wrong types, enum values).
  return new ApiError(400, 'invalid_schema', description);
}

/** 406: a documented semantic validation failure (`port_unavailable`, `invalid_replication`, ...). */
export function notAcceptable(errorCode: string, description: string, details?: Record<string, unknown>): ApiError {
  return new ApiError(406, errorCode, description, details);
}

export function notFound(what: string): ApiError {
  // Documented as a bare 404; the code name is the double's choice.
  return new ApiError(404, 'not_found', `${what} does not exist`);
}

/** 409 `busy`: documented for POST/PUT/DELETE /v1/bdbs while another change runs. */
export function busy(description: string): ApiError {
  return new ApiError(409, 'busy', description);
}
