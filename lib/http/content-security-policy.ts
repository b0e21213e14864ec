import type { Env } from "@/lib/env";

// The studio's Content-Security-Policy. Scripts run only with this response's nonce (and what
// they load, 'strict-dynamic'); everything else is same-origin. Images are our own routes plus the
// data: URLs of blur placeholders. Styles allow inline because React style attributes are inline
// styles; they cannot run script.

/** Origins a form on our pages may end up at: Stripe Checkout and the sign-in providers. */
export function formTargets(e: Env): string[] {
  const targets = new Set<string>();
  if (e.STRIPE_SECRET_KEY) {
    // Checkout is a redirect after a form post; STRIPE_API_BASE points tests at a local stand-in.
    targets.add(e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE).origin : "https://checkout.stripe.com");
  }
  if (e.AUTH_GITHUB_ID) targets.add("https://github.com");
  if (e.AUTH_GOOGLE_ID) targets.add("https://accounts.google.com");
  if (e.AUTH_OIDC_ISSUER) targets.add(new URL(e.AUTH_OIDC_ISSUER).origin);
  return [...targets];
}

export function contentSecurityPolicy(options: { nonce: string; formTargets: string[]; dev: boolean }): string {
  const script = ["'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'"];
  // React's development build evaluates code for its debugging aids.
  if (options.dev) script.push("'unsafe-eval'");
  return [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'none'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    `form-action ${["'self'", ...options.formTargets].join(" ")}`,
  ].join("; ");
}

/** HSTS for two years once served over https; over http browsers ignore it, so it is not sent. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";
