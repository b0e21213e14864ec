import { sessionHandler } from "./checkout-session";

/** Card payments are paid on completion; async methods (bank debits) complete unpaid and settle later. */
export const checkoutSessionCompleted = sessionHandler("completed");
