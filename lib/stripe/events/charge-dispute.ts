import { DISPUTE_OPEN_STATUSES, disputeSchema, eventObjectId, idOf } from "../objects";
import { findPurchaseForPaymentIntent, lockPurchase, reconcileDispute } from "../purchases";
import { type EventHandler, noEffect } from "./types";

/**
 * Shared by the dispute handlers: the dispute's status as Stripe reports it now decides, so a
 * `created` delivered after `closed` does not lock spending again.
 */
export const disputeHandler: EventHandler = async (event, { database, stripe }) => {
  const { id } = eventObjectId.parse(event.data.object);
  const dispute = disputeSchema.parse(await stripe.disputes.retrieve(id));
  let paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) {
    const chargeId = idOf(dispute.charge);
    const charge = chargeId ? await stripe.charges.retrieve(chargeId) : null;
    paymentIntentId = idOf(charge?.payment_intent);
  }
  if (!paymentIntentId) return noEffect(`dispute ${dispute.id} has no payment intent`);
  const purchaseId = await findPurchaseForPaymentIntent(database, stripe, paymentIntentId);
  if (!purchaseId) return noEffect(`no purchase for payment intent ${paymentIntentId}`);
  const open = DISPUTE_OPEN_STATUSES.has(dispute.status);
  return async (tx) => {
    const purchase = await lockPurchase(tx, purchaseId);
    if (!purchase) return "purchase not found";
    return reconcileDispute(tx, purchase, dispute, open);
  };
};
