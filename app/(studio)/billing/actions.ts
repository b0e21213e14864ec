"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { type ActionResult, fail, ok, userAction } from "@/lib/action";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { findPack } from "@/lib/pricing";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { PURCHASES_FROZEN, startCheckout } from "@/lib/stripe/checkout";
import { stripeClient } from "@/lib/stripe/client";

// The form names a pack and nothing else: credits, amount and currency come from lib/pricing.
const buyPackInput = z.object({
  packId: z.string().refine((id) => findPack(id) !== undefined, "Choose one of the credit packs."),
});

/** Where Stripe sends the buyer back: the configured public URL, else the origin the form was posted from. */
async function publicOrigin(): Promise<string> {
  const configured = env().AUTH_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const origin = h.get("origin");
  if (origin) return new URL(origin).origin;
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}

const openCheckout = userAction(buyPackInput, async ({ packId }, user) => {
  const stripe = stripeClient();
  if (!stripe) return fail("payments_not_configured", "Payments are not configured on this studio.");
  const pack = findPack(packId);
  if (!pack) return fail("invalid_input", "Choose one of the credit packs.");
  const account = await db().user.findUniqueOrThrow({
    where: { id: user.id },
    select: { spendingLocked: true, frozen: true },
  });
  if (account.frozen) return fail("account_frozen", PURCHASES_FROZEN);
  if (account.spendingLocked) {
    return fail("spending_locked", "Purchases are paused while a card dispute on your account is open.");
  }
  // Each checkout is a Stripe session (an API call, a pending purchase row): limited per user.
  const limited = await checkRateLimit(db(), "checkoutsPerUser", user.id);
  if (limited) return fail("rate_limited", limited.message);
  const checkout = await startCheckout({ database: db(), stripe, userId: user.id, pack, origin: await publicOrigin() });
  return ok({ url: checkout.url });
});

/**
 * Buy a pack: opens Stripe Checkout and redirects there. The redirect happens out here because
 * userAction turns anything its body throws (Next's redirect is a throw) into an error result.
 */
export async function buyPack(
  previous: ActionResult<{ url: string }> | null,
  formData: FormData,
): Promise<ActionResult<{ url: string }>> {
  const result = await openCheckout(previous, formData);
  if (result.ok) redirect(result.data.url);
  return result;
}
