import Stripe from "stripe";
import type { Db } from "@/lib/db";

/**
 * The user's one Stripe customer. Two tabs racing here both send the same idempotency key, so
 * Stripe creates one customer and answers both with it; the conditional UPDATE stores the first
 * answer and every caller then uses what is stored, never its own copy.
 *
 * `replacing` names a stored customer Stripe no longer knows (deleted, or made with other keys,
 * e.g. test mode before going live): it is forgotten and a new one created under a key derived
 * from it, since the original key could replay the stale answer.
 */
export async function ensureStripeCustomer(
  database: Db,
  stripe: Stripe,
  userId: string,
  options: { replacing?: string } = {},
): Promise<string> {
  const { replacing } = options;
  if (replacing) {
    await database.$executeRaw`
      UPDATE "User" SET "stripeCustomerId" = NULL, "updatedAt" = now()
      WHERE "id" = ${userId} AND "stripeCustomerId" = ${replacing}`;
  }
  const user = await database.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, stripeCustomerId: true },
  });
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripe.customers.create(
    { ...(user.email ? { email: user.email } : {}), metadata: { userId } },
    { idempotencyKey: replacing ? `customer:${userId}:replacing:${replacing}` : `customer:${userId}` },
  );
  await database.$executeRaw`
    UPDATE "User" SET "stripeCustomerId" = ${customer.id}, "updatedAt" = now()
    WHERE "id" = ${userId} AND "stripeCustomerId" IS NULL`;
  const stored = await database.user.findUniqueOrThrow({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!stored.stripeCustomerId) throw new Error(`user ${userId} has no Stripe customer after creating one`);
  return stored.stripeCustomerId;
}

/** True when Stripe refused a request because the `customer` it names does not exist there. */
export function isMissingCustomer(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.code === "resource_missing" &&
    error.param === "customer"
  );
}
