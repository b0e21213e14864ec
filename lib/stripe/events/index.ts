import { chargeDisputeClosed } from "./charge-dispute-closed";
import { chargeDisputeCreated } from "./charge-dispute-created";
import { chargeRefunded } from "./charge-refunded";
import { checkoutSessionAsyncPaymentFailed } from "./checkout-session-async-payment-failed";
import { checkoutSessionAsyncPaymentSucceeded } from "./checkout-session-async-payment-succeeded";
import { checkoutSessionCompleted } from "./checkout-session-completed";
import { checkoutSessionExpired } from "./checkout-session-expired";
import type { EventHandler } from "./types";

/** The allowlist: every other event type is acknowledged and ignored. */
export const EVENT_HANDLERS: ReadonlyMap<string, EventHandler> = new Map(
  Object.entries({
    "checkout.session.completed": checkoutSessionCompleted,
    "checkout.session.async_payment_succeeded": checkoutSessionAsyncPaymentSucceeded,
    "checkout.session.async_payment_failed": checkoutSessionAsyncPaymentFailed,
    "checkout.session.expired": checkoutSessionExpired,
    "charge.refunded": chargeRefunded,
    "charge.dispute.created": chargeDisputeCreated,
    "charge.dispute.closed": chargeDisputeClosed,
  }),
);
