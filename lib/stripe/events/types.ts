import type Stripe from "stripe";
import type { Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";

/** What an event does to our database, run inside the transaction that records the event. */
export type Effect = (tx: Tx) => Promise<string>;

/**
 * One handler per event type. It reads what it needs from Stripe itself (never trusting the
 * payload beyond the object's id) before the transaction opens, and returns the effect.
 */
export type EventHandler = (event: Stripe.Event, deps: { database: Db; stripe: Stripe }) => Promise<Effect>;

export const noEffect =
  (why: string): Effect =>
  async () =>
    why;
