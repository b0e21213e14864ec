import { chargeSchema, eventObjectId, idOf } from "../objects";
import { findPurchaseForPaymentIntent, lockPurchase, settleRefunds } from "../purchases";
import { type EventHandler, noEffect } from "./types";

/**
 * A full or partial refund: takes back the refunded share of the pack's credits. The charge is
 * re-read, so its `amount_refunded` is the cumulative total at the time of reading, whatever the
 * order in which refund events arrive.
 */
export const chargeRefunded: EventHandler = async (event, { database, stripe }) => {
  const { id } = eventObjectId.parse(event.data.object);
  const charge = chargeSchema.parse(await stripe.charges.retrieve(id));
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return noEffect(`charge ${charge.id} has no payment intent`);
  const purchaseId = await findPurchaseForPaymentIntent(database, stripe, paymentIntentId);
  if (!purchaseId) return noEffect(`no purchase for payment intent ${paymentIntentId}`);
  return async (tx) => {
    const purchase = await lockPurchase(tx, purchaseId);
    if (!purchase) return "purchase not found";
    if (!purchase.stripePaymentIntentId) {
      await tx.purchase.update({ where: { id: purchase.id }, data: { stripePaymentIntentId: paymentIntentId } });
    }
    return settleRefunds(tx, purchase, charge.amount_refunded);
  };
};
