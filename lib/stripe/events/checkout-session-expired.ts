import { sessionHandler } from "./checkout-session";

/** An abandoned checkout: its pending purchase is closed as failed (nothing was charged). */
export const checkoutSessionExpired = sessionHandler("expired");
