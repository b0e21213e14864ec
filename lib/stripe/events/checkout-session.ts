import type Stripe from "stripe";
import { eventObjectId } from "../objects";
import { findPurchaseForSession, reconcileSession, retrieveSession } from "../purchases";
import { type Effect, type EventHandler, noEffect } from "./types";

type Signal = Parameters<typeof reconcileSession>[3];

/** Shared by the checkout.session.* handlers: re-read the session, then reconcile its purchase. */
export function sessionHandler(signal: Signal): EventHandler {
  return async (event: Stripe.Event, { database, stripe }): Promise<Effect> => {
    const { id } = eventObjectId.parse(event.data.object);
    const session = await retrieveSession(stripe, id);
    const purchaseId = await findPurchaseForSession(database, session);
    if (!purchaseId) return noEffect(`no purchase for session ${session.id}`);
    return (tx) => reconcileSession(tx, purchaseId, session, signal);
  };
}
