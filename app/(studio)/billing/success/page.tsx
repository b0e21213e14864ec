import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { buttonClass } from "@/components/ui/button";
import { getAccountSummary } from "@/lib/account";
import { requireUser } from "@/lib/auth/require-user";
import { findCheckoutPurchase } from "@/lib/billing/queries";
import { log } from "@/lib/log";
import { findPack, formatMoney } from "@/lib/pricing";
import { stripeClient } from "@/lib/stripe/client";
import { RefreshUntilCredited } from "./refresh-until-credited";

export const metadata: Metadata = { title: "Payment received" };
export const dynamic = "force-dynamic";

const sessionId = z.string().regex(/^cs_[A-Za-z0-9_]+$/);

/** True when Stripe says the checkout finished but its (bank) payment has not cleared yet. */
async function paymentStillProcessing(id: string): Promise<boolean> {
  const stripe = stripeClient();
  if (!stripe) return false;
  try {
    const session = await stripe.checkout.sessions.retrieve(id);
    return session.status === "complete" && session.payment_status === "unpaid";
  } catch (error) {
    log.error("checkout success: could not read the session", { err: error });
    return false;
  }
}

// This page only reports what the webhook has recorded: returning here proves nothing about
// payment, so it never credits anything itself.
export default async function CheckoutSuccessPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const parsed = sessionId.safeParse((await searchParams).session_id);
  const purchase = parsed.success ? await findCheckoutPurchase({ userId: user.id, sessionId: parsed.data }) : null;
  const account = await getAccountSummary({ userId: user.id });
  const back = (
    <Link href="/billing" className={buttonClass("secondary", "self-start")}>
      Back to billing
    </Link>
  );

  if (!purchase) {
    return (
      <section aria-labelledby="page-title" className="flex flex-col gap-4">
        <h1 id="page-title" className="text-2xl font-semibold">
          Checkout not found
        </h1>
        <p>We could not find this checkout on your account. If you paid, your credits still arrive automatically.</p>
        {back}
      </section>
    );
  }

  const packName = findPack(purchase.packId)?.name ?? purchase.packId;
  const price = formatMoney(purchase.amountCents, purchase.currency);
  const credited = purchase.paidAt !== null;
  const processing = !credited && purchase.status === "PENDING" && (await paymentStillProcessing(parsed.data ?? ""));

  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        {credited ? "Credits added" : purchase.status === "FAILED" ? "Payment failed" : "Thank you"}
      </h1>
      <div role="status" aria-live="polite" className="flex flex-col gap-2">
        {credited ? (
          <p>
            {purchase.credits} credits from the {packName} pack ({price}) are in your account. Your balance is{" "}
            <strong className="tabular-nums">{account.creditBalance}</strong> credits.
          </p>
        ) : purchase.status === "FAILED" ? (
          <p>The payment for the {packName} pack did not go through, so no credits were added.</p>
        ) : processing ? (
          <p>
            Your payment for the {packName} pack ({price}) is still processing with your bank. Your {purchase.credits}{" "}
            credits arrive as soon as it clears, which can take a few business days.
          </p>
        ) : (
          <p>
            We are confirming your payment for the {packName} pack ({price}). Your {purchase.credits} credits arrive in
            a moment; this page updates by itself.
          </p>
        )}
      </div>
      {!credited && purchase.status === "PENDING" ? <RefreshUntilCredited /> : null}
      {credited ? (
        <Link href="/studio" className={buttonClass("primary", "self-start")}>
          Start creating
        </Link>
      ) : null}
      {back}
    </section>
  );
}
