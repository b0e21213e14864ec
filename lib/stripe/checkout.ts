import type Stripe from "stripe";
import type { Db } from "@/lib/db";
import { type CreditPack, CURRENCY } from "@/lib/pricing";
import { ensureStripeCustomer } from "./customer";

export type CheckoutStart = { purchaseId: string; sessionId: string; url: string };

/**
 * Opens a Checkout Session for one pack. The pending purchase row comes first so the session can
 * carry its id; amount and currency come from the pack config, never from the caller. The Stripe
 * idempotency key is the purchase's, so an SDK retry cannot open a second session for it.
 */
export async function startCheckout(input: {
  database: Db;
  stripe: Stripe;
  userId: string;
  pack: CreditPack;
  /** The studio's public origin, e.g. https://atelier.example.com */
  origin: string;
}): Promise<CheckoutStart> {
  const { database, stripe, userId, pack, origin } = input;
  const customer = await ensureStripeCustomer(database, stripe, userId);
  const purchase = await database.purchase.create({
    data: { userId, packId: pack.id, credits: pack.credits, amountCents: pack.amountCents, currency: CURRENCY },
    select: { id: true },
  });
  try {
    const session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        customer,
        client_reference_id: userId,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: CURRENCY,
              unit_amount: pack.amountCents,
              product_data: { name: `Atelier ${pack.name} pack`, description: `${pack.credits} image credits` },
            },
          },
        ],
        metadata: { purchaseId: purchase.id, userId, packId: pack.id },
        payment_intent_data: { metadata: { purchaseId: purchase.id, userId } },
        success_url: `${origin}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${origin}/billing/cancel?session_id={CHECKOUT_SESSION_ID}`,
      },
      { idempotencyKey: `checkout:${purchase.id}` },
    );
    if (!session.url) throw new Error(`Checkout Session ${session.id} came back without a URL`);
    await database.purchase.update({ where: { id: purchase.id }, data: { stripeCheckoutSessionId: session.id } });
    return { purchaseId: purchase.id, sessionId: session.id, url: session.url };
  } catch (error) {
    // No session, no way to pay: close the purchase so it never looks pending.
    await database.purchase.update({ where: { id: purchase.id }, data: { status: "FAILED" } });
    throw error;
  }
}
