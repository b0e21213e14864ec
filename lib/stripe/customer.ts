import type Stripe from "stripe";
import type { Db } from "@/lib/db";

/**
 * The user's one Stripe customer. Two tabs racing here both send the same idempotency key, so
 * Stripe creates one customer and answers both with it; the conditional UPDATE stores the first
 * answer and every caller then uses what is stored, never its own copy.
 */
export async function ensureStripeCustomer(database: Db, stripe: Stripe, userId: string): Promise<string> {
  const user = await database.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, stripeCustomerId: true },
  });
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripe.customers.create(
    { ...(user.email ? { email: user.email } : {}), metadata: { userId } },
    { idempotencyKey: `customer:${userId}` },
  );
  await database.$executeRaw`
    UPDATE "User" SET "stripeCustomerId" = ${customer.id}, "updatedAt" = now()
    WHERE "id" = ${userId} AND "stripeCustomerId" IS NULL`;
  const stored = await database.user.findUniqueOrThrow({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!stored.stripeCustomerId) throw new Error(`user ${userId} has no Stripe customer after creating one`);
  return stored.stripeCustomerId;
}
