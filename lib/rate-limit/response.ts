import type { RateLimitResult } from "@/lib/rate-limit/limiter";

// What an HTTP caller is told about a limit: Retry-After when refused, and X-RateLimit-* (limit,
// remaining, reset as Unix seconds) so that API clients can pace themselves.

export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  if (result.limit === null) return {};
  return {
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(Math.ceil(result.reset.getTime() / 1000)),
    ...(result.allowed ? {} : { "Retry-After": String(result.retryAfterSeconds) }),
  };
}

/** 429 with the studio's error shape. */
export function tooManyRequests(result: RateLimitResult, message: string): Response {
  return Response.json(
    { error: { code: "rate_limited", message } },
    { status: 429, headers: { ...rateLimitHeaders(result), "Cache-Control": "no-store" } },
  );
}
