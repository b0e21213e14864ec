import { type NextRequest, NextResponse } from "next/server";
import { databaseReachable } from "@/lib/db-probe";
import { env } from "@/lib/env";
import { contentSecurityPolicy, formTargets, STRICT_TRANSPORT_SECURITY } from "@/lib/http/content-security-policy";
import { notFoundResponse } from "@/lib/http/route-errors";
import { refuseMalformedAction } from "@/lib/http/server-action-guard";
import { unavailablePage } from "@/lib/http/unavailable-page";

// Runs before every page and route: a per-request CSP nonce (Next puts it on its own scripts when
// it finds the policy on the request), HSTS over https, sign-in for studio pages, and a 503 page
// while the database is down for every page that needs it.

const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];
const STUDIO_PAGES = /^\/(studio|history|billing|generations|settings)(\/|$)/;
const ADMIN_PAGES = /^\/admin(\/|$)/;
// The public page of a share link (its images are a route, which answers 503 itself).
const SHARE_PAGE = /^\/s\/[^/]+\/?$/;

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // A path that does not decode (`/api/images/%E0%A4%A`) names nothing; Next would answer 500.
  if (!decodes(pathname)) return notFoundResponse();
  const config = env();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy({
    nonce,
    formTargets: formTargets(config),
    dev: config.NODE_ENV === "development",
  });
  const secure = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const withSecurityHeaders = (response: Response): Response => {
    response.headers.set("content-security-policy", policy);
    if (secure) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
    return response;
  };

  // POSTs to pages are server actions; route handlers (/api/…, /signout) check their own bodies.
  if (request.method === "POST" && !pathname.startsWith("/api/") && pathname !== "/signout") {
    const refused = await refuseMalformedAction(request);
    if (refused) return withSecurityHeaders(refused);
  }

  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  const studioPage = STUDIO_PAGES.test(pathname);
  if (studioPage && !signedIn) {
    // Database sessions are checked against the database by the studio layout; here we only send
    // visitors without any session cookie to sign-in, remembering where they were going.
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(`${pathname}${search}`)}`;
    return withSecurityHeaders(NextResponse.redirect(url));
  }
  // Document loads only: server actions answer an outage themselves (userAction: code
  // "unavailable"), and client navigations and prefetches (`RSC` header) need no extra query.
  const pageLoad = (request.method === "GET" || request.method === "HEAD") && !request.headers.has("rsc");
  const needsDatabase =
    (signedIn && (studioPage || ADMIN_PAGES.test(pathname) || pathname === "/signin")) || SHARE_PAGE.test(pathname);
  if (pageLoad && needsDatabase && !(await databaseReachable())) {
    return withSecurityHeaders(unavailablePage({ path: `${pathname}${search}`, signedIn }));
  }

  const headers = new Headers(request.headers);
  headers.set("x-atelier-path", `${pathname}${search}`);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  return withSecurityHeaders(NextResponse.next({ request: { headers } }));
}

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  // Every page and route; not the build's static files, which carry no HTML, nor the reference
  // upload (POST /api/references, exactly): Next copies the body of every request the proxy sees
  // and silently cuts the copy at 10 MB (proxyClientMaxBodySize), so a 12 MB upload would reach
  // the route as a passing 10 MB. Unseen by the proxy, the route reads the body itself and stops
  // at the cap (docs/references.md). /api/references/<id> still goes through it. The same for
  // POST /v1/images/edits (multipart images, up to 14 × 10 MB; docs/api.md).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/references/?$|v1/images/edits/?$).*)"],
};
