import "server-only";

// Errors of the public API in OpenAI's shape, `{ "error": { "message", "type", "param", "code" } }`,
// so the official `openai` clients raise their usual classes (401 AuthenticationError, 404
// NotFoundError, 409 ConflictError, 429 RateLimitError, other statuses APIError with `.status`).

export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "insufficient_credits"
  | "rate_limit_error"
  | "service_unavailable"
  | "api_error";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly options: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export function apiErrorBody(error: ApiError) {
  return { error: { message: error.message, type: error.type, param: error.options.param ?? null, code: error.code } };
}

export const invalidRequest = (message: string, param?: string) =>
  new ApiError(400, "invalid_request_error", "invalid_request", message, param === undefined ? {} : { param });

export const notFound = (what = "No such generation.") => new ApiError(404, "not_found_error", "not_found", what);
