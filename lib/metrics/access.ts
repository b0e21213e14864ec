import { createHash, timingSafeEqual } from "node:crypto";

// Who may read /api/metrics. No token configured: the endpoint does not exist (404), so a studio
// nobody scrapes exposes nothing. A token configured: the request must carry it as a bearer token
// (401 otherwise, with WWW-Authenticate, so a misconfigured scraper says why it fails).

export type MetricsAccess = "allowed" | "not_found" | "unauthorized";

export function metricsAccess(authorization: string | null, token: string | undefined): MetricsAccess {
  if (!token) return "not_found";
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return "unauthorized";
  // Compare digests: equal length, so timingSafeEqual applies, and the token's length leaks nothing.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token)) ? "allowed" : "unauthorized";
}
