import Stripe from "stripe";
import { type Env, env } from "@/lib/env";

export type { Stripe };

/**
 * SDK options for this environment. STRIPE_API_BASE points the SDK at a Stripe-compatible server
 * (the local fake in tests and the e2e stack); unset, the SDK talks to api.stripe.com.
 */
export function stripeOptions(e: Env = env()): NonNullable<ConstructorParameters<typeof Stripe>[1]> {
  const base = e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE) : undefined;
  const protocol = base?.protocol === "http:" ? "http" : "https";
  return {
    // Pinned to the version this SDK's types describe, so payloads match the types we read.
    apiVersion: Stripe.API_VERSION,
    typescript: true,
    // Retries reuse the request's idempotency key, so a retried create never duplicates.
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "Atelier" },
    ...(base
      ? {
          host: base.hostname,
          protocol,
          port: base.port || (protocol === "http" ? 80 : 443),
        }
      : {}),
  };
}

const globalForStripe = globalThis as unknown as { atelierStripe?: { config: string; client: Stripe } };

/** The configured client, or null when payments are not configured (no keys). */
export function stripeClient(e: Env = env()): Stripe | null {
  const key = e.STRIPE_SECRET_KEY;
  if (!key || !e.STRIPE_WEBHOOK_SECRET) return null;
  const config = `${key}|${e.STRIPE_API_BASE ?? ""}`;
  const cached = globalForStripe.atelierStripe;
  if (cached && cached.config === config) return cached.client;
  const client = new Stripe(key, stripeOptions(e));
  globalForStripe.atelierStripe = { config, client };
  return client;
}

/** For code paths that only run when payments are configured. */
export function requireStripe(e: Env = env()): Stripe {
  const client = stripeClient(e);
  if (!client) throw new Error("Stripe is not configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)");
  return client;
}
