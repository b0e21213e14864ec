import { signOut } from "@/lib/auth";
import { isCrossSite } from "@/lib/http/same-origin";
import { route, routeError } from "@/lib/route";

// Sign-out is a plain form POST to this route rather than a server action, because only a route
// can add response headers: `Clear-Site-Data: "cache"` makes the browser drop the private images
// it cached for this user, so the next person at a shared computer cannot open them from cache.
// The session cookie is SameSite=Lax, so another site's form cannot sign anyone out; the Origin
// check refuses it anyway.
export const POST = route({ auth: "public" }, async ({ request }) => {
  if (isCrossSite(request)) return routeError(403, "forbidden", "Sign out from Atelier itself.");
  await signOut({ redirect: false });
  return new Response(null, {
    status: 303,
    headers: { location: "/", "clear-site-data": '"cache"', "cache-control": "no-store" },
  });
});
