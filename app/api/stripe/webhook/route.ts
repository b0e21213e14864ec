import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { countHttp5xx, countStripeDelivery } from "@/lib/metrics";
import { stripeClient } from "@/lib/stripe/client";
import { processStripeEvent } from "@/lib/stripe/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stripe signs a timestamp with the body; older deliveries are refused as possible replays. */
const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe's event payloads are a few kilobytes; anything near this is not from Stripe. */
const MAX_BODY_BYTES = 512 * 1024;

function reply(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status });
}

export async function POST(request: Request): Promise<Response> {
  const config = env();
  const stripe = stripeClient(config);
  const secret = config.STRIPE_WEBHOOK_SECRET;
  if (!stripe || !secret) return reply(503, { error: "payments are not configured" });

  const signature = request.headers.get("stripe-signature");
  if (!signature) return reply(400, { error: "missing Stripe-Signature header" });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return reply(413, { error: "payload too large" });
  }
  // The signature covers the exact bytes sent, so verify them before any parsing.
  const payload = Buffer.from(await request.arrayBuffer());
  if (payload.byteLength > MAX_BODY_BYTES) return reply(413, { error: "payload too large" });
  let event: ReturnType<typeof stripe.webhooks.constructEvent>;
  try {
    event = stripe.webhooks.constructEvent(payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    log.warn("stripe webhook: signature refused", {
      reason: error instanceof Error ? error.message.split("\n")[0] : String(error),
    });
    countStripeDelivery("unknown", "invalid_signature");
    return reply(400, { error: "invalid signature" });
  }

  try {
    const outcome = await processStripeEvent(event, { database: db(), stripe });
    countStripeDelivery(event.type, outcome.status);
    return reply(200, { received: true, ...outcome });
  } catch (error) {
    // A 5xx makes Stripe retry later; nothing was committed for this event.
    log.error("stripe webhook: processing failed", { eventId: event.id, type: event.type, err: error });
    countStripeDelivery(event.type, "failed");
    countHttp5xx("/api/stripe/webhook");
    return reply(500, { error: "processing failed" });
  }
}
