import { type NextRequest, NextResponse } from "next/server";

// Database sessions are checked against the database by the studio layout; here we only send
// visitors without any session cookie to sign-in, remembering where they were going.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const headers = new Headers(request.headers);
  headers.set("x-atelier-path", `${pathname}${search}`);
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!signedIn) {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(`${pathname}${search}`)}`;
    return NextResponse.redirect(url);
  }
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/studio/:path*", "/history/:path*", "/billing/:path*", "/generations/:path*", "/settings/:path*"],
};
