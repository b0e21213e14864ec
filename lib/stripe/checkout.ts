import type Stripe from "stripe";
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import { type CreditPack, CURRENCY } from "@/lib/pricing";
import { ensureStripeCustomer, isMissingCustomer } from "./customer";

/** What a buyer reads when an operator froze their account (User.frozen, set in /admin). */
export const PURCHASES_FROZEN =
  "Buying credits is paused on your account by the studio's operator. Contact the studio's support to have it resumed.";

export type CheckoutStart = { purchaseId: string; sessionId: string; url: string };

type CheckoutInput = {
  database: Db;
  stripe: Stripe;
  userId: string;
  pack: CreditPack;
  /** The studio's public origin, e.g. https://atelier.example.com */
  origin: string;
};

/**
 * Opens a Checkout Session for one pack. A stored customer Stripe does not know (deleted, or
 * created with other keys) is replaced once and the checkout retried as a new purchase.
 */
export async function startCheckout(input: CheckoutInput): Promise<CheckoutStart> {
  const customer = await ensureStripeCustomer(input.database, input.stripe, input.userId);
  try {
    return await openSession(input, customer);
  } catch (error) {
    if (!isMissingCustomer(error)) throw error;
    log.warn("stripe: stored customer is unknown to Stripe; creating a new one", {
      userId: input.userId,
      customer,
    });
    const replacement = await ensureStripeCustomer(input.database, input.stripe, input.userId, { replacing: customer });
    return openSession(input, replacement);
  }
}

/**
 * Opens a Checkout Session for one pack. The pending purchase row comes first so the session can
 * carry its id; amount and currency come from the pack config, never from the caller. The Stripe
 * idempotency key is the purchase's, so an SDK retry cannot open a second session for it.
 */
async function openSession(input: CheckoutInput, customer: string): Promise<CheckoutStart> {
  const { database, stripe, userId, pack, origin } = input;
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
