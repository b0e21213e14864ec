import { sessionHandler } from "./checkout-session";

/** A delayed payment cleared: credits the purchase (once, even after `completed` saw it paid). */
export const checkoutSessionAsyncPaymentSucceeded = sessionHandler("async_succeeded");
