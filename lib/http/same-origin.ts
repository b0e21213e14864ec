// Requests that change something from a route handler (not a server action, which Next checks
// itself) must come from the studio's own pages. The session cookie is SameSite=Lax, so another
// site's POST arrives without it anyway; this refuses such a request even so, by its Origin.
// Browsers send Origin with every POST and DELETE; a request without one (curl, a test) is not
// from another site's page.

export function isCrossSite(request: Request): boolean {
  const origin = request.headers.get("origin");
  return origin !== null && origin !== new URL(request.url).origin && origin !== forwardedOrigin(request);
}

function forwardedOrigin(request: Request): string | null {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return null;
  const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
  return `${proto}://${host}`;
}
