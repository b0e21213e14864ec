import type Stripe from "stripe";
import { isUniqueViolation } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { EVENT_HANDLERS } from "./events";

export type WebhookOutcome =
  | { status: "processed"; detail: string }
  | { status: "duplicate" }
  | { status: "ignored"; detail: string };

const MAX_ATTEMPTS = 3;

/** Thrown inside the transaction to roll it back when the event id is already recorded. */
class AlreadyRecorded extends Error {}

/**
 * Applies one verified event exactly once. The event id is inserted in the same transaction as
 * its effect: a replay finds it and does nothing; a concurrent duplicate waits on the primary key
 * until the first commits, finds the conflict and rolls its whole transaction back. A unique-key
 * loss inside the effect (another event for the same purchase won a ledger key) is retried: the
 * rerun sees the winner's result and adds nothing.
 */
export async function processStripeEvent(
  event: Stripe.Event,
  deps: { database: Db; stripe: Stripe },
): Promise<WebhookOutcome> {
  const handler = EVENT_HANDLERS.get(event.type);
  if (!handler) return { status: "ignored", detail: `event type ${event.type} is not handled` };
  const { database } = deps;
  const seen = () => database.stripeEvent.findUnique({ where: { id: event.id }, select: { id: true } });
  // Cheap early exit for replays, before any call to Stripe; the primary key below is the real guard.
  if (await seen()) return { status: "duplicate" };

  const effect = await handler(event, deps);
  for (let attempt = 1; ; attempt++) {
    try {
      const detail = await database.$transaction(
        async (tx) => {
          // ON CONFLICT rather than a failing INSERT: the loser learns it lost without an error that
          // would poison the connection, then throws to roll back.
          const inserted = await tx.$executeRaw`
            INSERT INTO "StripeEvent" ("id", "type") VALUES (${event.id}, ${event.type})
            ON CONFLICT ("id") DO NOTHING`;
          if (inserted === 0) throw new AlreadyRecorded();
          return effect(tx);
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
      return { status: "processed", detail };
    } catch (error) {
      if (error instanceof AlreadyRecorded) return { status: "duplicate" };
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
      if (await seen()) return { status: "duplicate" };
    }
  }
}
