import "server-only";
import { ApiError, apiErrorBody } from "@/lib/api/errors";
import { requestIdOf } from "@/lib/api/request-id";
import { type ApiCaller, authenticateApiKey } from "@/lib/api-keys/keys";
import type { ApiScope } from "@/lib/api-keys/scopes";
import { db } from "@/lib/db";
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from "@/lib/db-unavailable";
import { env } from "@/lib/env";
import { readCapped } from "@/lib/http/read-capped";
import { log } from "@/lib/log";
import { hitRateLimit, retryIn } from "@/lib/rate-limit/limiter";
import { rateLimitHeaders } from "@/lib/rate-limit/response";

// The one way to write a /v1 handler. It authenticates the bearer key (never a session cookie:
// the API and the pages have separate credentials), checks the key's scope, runs the handler,
// turns every failure into OpenAI's error shape, and stamps X-Request-Id on every answer.

export type ApiContext<P> = { request: Request; caller: ApiCaller; requestId: string; params: P };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

async function authenticate(request: Request): Promise<ApiCaller> {
  const header = request.headers.get("authorization");
  const match = header ? BEARER.exec(header) : null;
  if (!match?.[1]) {
    throw new ApiError(
      401,
      "invalid_request_error",
      "missing_api_key",
      "Send your Atelier API key as `Authorization: Bearer atl_…`. Create one under Settings → API keys.",
    );
  }
  const caller = await authenticateApiKey(db(), match[1]);
  if (!caller) throw new ApiError(401, "invalid_request_error", "invalid_api_key", "Invalid or revoked API key.");
  return caller;
}

export function errorResponse(error: unknown, requestId: string): Response {
  if (error instanceof ApiError) {
    return Response.json(apiErrorBody(error), { status: error.status, headers: error.options.headers });
  }
  if (isDatabaseUnavailable(error)) {
    const unavailable = new ApiError(503, "service_unavailable", "unavailable", UNAVAILABLE_MESSAGE, {
      headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    });
    return Response.json(apiErrorBody(unavailable), { status: 503, headers: unavailable.options.headers });
  }
  log.error("api: unexpected failure", { requestId, err: error });
  const internal = new ApiError(500, "api_error", "internal_error", "Something went wrong on our side. Please retry.");
  return Response.json(apiErrorBody(internal), { status: 500 });
}

function stamp(response: Response, requestId: string): Response {
  response.headers.set("x-request-id", requestId);
  if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
  return response;
}

export function apiRoute<P = Record<string, never>>(
  scope: ApiScope,
  handler: (context: ApiContext<P>) => Promise<Response>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    try {
      const caller = await authenticate(request);
      const limit = await hitRateLimit(db(), {
        name: "apiRequestsPerKey",
        subject: caller.keyId,
        setting: env().RATE_LIMIT_API_PER_KEY,
      });
      const limitHeaders = rateLimitHeaders(limit);
      if (!limit.allowed) {
        throw new ApiError(
          429,
          "rate_limit_error",
          "rate_limit_exceeded",
          `Too many requests with this API key. Try again ${retryIn(limit.retryAfterSeconds)}.`,
          { headers: limitHeaders },
        );
      }
      if (!caller.scopes.includes(scope)) {
        throw new ApiError(403, "permission_error", "insufficient_scope", `This API key lacks the "${scope}" scope.`);
      }
      const response = await handler({ request, caller, requestId, params: await context.params });
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return stamp(response, requestId);
    } catch (error) {
      return stamp(errorResponse(error, requestId), requestId);
    }
  };
}

/** A /v1 route that needs no key (the OpenAPI document, signed image links). */
export function publicApiRoute<P = Record<string, never>>(
  handler: (context: { request: Request; requestId: string; params: P }) => Promise<Response>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    try {
      return stamp(await handler({ request, requestId, params: await context.params }), requestId);
    } catch (error) {
      return stamp(errorResponse(error, requestId), requestId);
    }
  };
}

/** The JSON body of a request, or a 400 in the API's shape. */
export async function jsonBody(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new ApiError(415, "invalid_request_error", "unsupported_media_type", "Send the body as application/json.");
  }
  const bytes = request.body ? await readCapped(request.body, maxBytes) : Buffer.alloc(0);
  if (!bytes) {
    throw new ApiError(413, "invalid_request_error", "body_too_large", `The body is over ${maxBytes} bytes.`);
  }
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ApiError(400, "invalid_request_error", "invalid_json", "The body is not valid JSON.");
  }
}

/** The studio's public origin for absolute links: AUTH_URL when set, else the request's own. */
export function apiOrigin(request: Request): string {
  const configured = env().AUTH_URL;
  return configured ? new URL(configured).origin : new URL(request.url).origin;
}
