import { signOut } from "@/lib/auth";
import { route, routeError } from "@/lib/route";

// Sign-out is a plain form POST to this route rather than a server action, because only a route
// can add response headers: `Clear-Site-Data: "cache"` makes the browser drop the private images
// it cached for this user, so the next person at a shared computer cannot open them from cache.
// The session cookie is SameSite=Lax, so another site's form cannot sign anyone out; the Origin
// check refuses it anyway.
export const POST = route({ auth: "public" }, async ({ request }) => {
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(request.url).origin && origin !== forwardedOrigin(request)) {
    return routeError(403, "forbidden", "Sign out from Atelier itself.");
  }
  await signOut({ redirect: false });
  return new Response(null, {
    status: 303,
    headers: { location: "/", "clear-site-data": '"cache"', "cache-control": "no-store" },
  });
});

function forwardedOrigin(request: Request): string | null {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return null;
  const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
  return `${proto}://${host}`;
}
