import { sessionHandler } from "./checkout-session";

/** A delayed payment failed: the purchase is marked failed unless Stripe says the session is paid. */
export const checkoutSessionAsyncPaymentFailed = sessionHandler("async_failed");
