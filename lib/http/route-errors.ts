import { UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from "@/lib/db-unavailable";

// The one error body of every route: `{ error: { code, message } }` (lib/route.ts).

export type RouteErrorCode =
  | "unauthenticated"
  | "not_found"
  | "invalid_input"
  | "unavailable"
  | "payload_too_large"
  | "not_configured"
  | "internal"
  | (string & {});

/** The error body every route answers with. */
export function routeError(
  status: number,
  code: RouteErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

export const notFoundResponse = (): Response => routeError(404, "not_found", "Not found.");

export function unavailableResponse(): Response {
  return routeError(503, "unavailable", UNAVAILABLE_MESSAGE, {
    "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
  });
}
