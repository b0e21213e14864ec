import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { countHttp5xx, countStripeDelivery } from "@/lib/metrics";
import { route, routeError } from "@/lib/route";
import { stripeClient } from "@/lib/stripe/client";
import { processStripeEvent } from "@/lib/stripe/webhook";
import { SIGNATURE_TOLERANCE_SECONDS, signatureAgeProblem } from "@/lib/stripe/webhook-signature";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stripe's event payloads are a few kilobytes; anything near this is not from Stripe. */
const MAX_BODY_BYTES = 512 * 1024;

// Public (Stripe calls it), and it reads the raw body itself: the signature covers the exact bytes.
export const POST = route({ auth: "public" }, async ({ request }) => {
  const config = env();
  const stripe = stripeClient(config);
  const secret = config.STRIPE_WEBHOOK_SECRET;
  if (!stripe || !secret) return routeError(503, "not_configured", "Payments are not configured.");

  const signature = request.headers.get("stripe-signature");
  if (!signature) return routeError(400, "invalid_signature", "Missing Stripe-Signature header.");
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return routeError(413, "payload_too_large", "Payload too large.");
  }
  const payload = Buffer.from(await request.arrayBuffer());
  if (payload.byteLength > MAX_BODY_BYTES) return routeError(413, "payload_too_large", "Payload too large.");
  // The SDK refuses only old timestamps; a signature dated in the future is refused here too.
  const ageProblem = signatureAgeProblem(signature, Date.now());
  if (ageProblem) {
    console.warn("stripe webhook: signature refused:", ageProblem);
    return routeError(400, "invalid_signature", "Invalid signature.");
  }
  let event: ReturnType<typeof stripe.webhooks.constructEvent>;
  try {
    event = stripe.webhooks.constructEvent(payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    log.warn("stripe webhook: signature refused", {
      reason: error instanceof Error ? error.message.split("\n")[0] : String(error),
    });
    countStripeDelivery("unknown", "invalid_signature");
    return routeError(400, "invalid_signature", "Invalid signature.");
  }

  try {
    const outcome = await processStripeEvent(event, { database: db(), stripe });
    countStripeDelivery(event.type, outcome.status);
    return Response.json({ received: true, ...outcome });
  } catch (error) {
    // A 5xx makes Stripe retry later; nothing was committed for this event.
    log.error("stripe webhook: processing failed", { eventId: event.id, type: event.type, err: error });
    countStripeDelivery(event.type, "failed");
    countHttp5xx("/api/stripe/webhook");
    return routeError(500, "processing_failed", "Processing failed; retry later.");
  }
});
