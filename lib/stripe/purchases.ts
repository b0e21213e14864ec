import type Stripe from "stripe";
import { recordMovement, type Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import type { Purchase } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { findPack, formatMoney } from "@/lib/pricing";
import { type CheckoutSessionView, checkoutSessionSchema, idOf } from "./objects";

// What a purchase's money events do to credits. Every function here runs inside the webhook's
// transaction, after `lockPurchase`, so two events about one purchase never interleave; each
// recomputes from cumulative facts (paid or not, total refunded, dispute status) so replays and
// out-of-order deliveries converge on the same ledger.

/** Locks the purchase row for the rest of the transaction and returns its current state. */
export async function lockPurchase(tx: Tx, purchaseId: string): Promise<Purchase | null> {
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT "id" FROM "Purchase" WHERE "id" = ${purchaseId} FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.purchase.findUnique({ where: { id: purchaseId } });
}

function packLabel(purchase: Purchase): string {
  return `${findPack(purchase.packId)?.name ?? purchase.packId} pack`;
}

/** The session's purchase: by our own id in its metadata, checked against the session it claims. */
export async function findPurchaseForSession(database: Db | Tx, session: CheckoutSessionView): Promise<string | null> {
  const byMetadata = session.metadata?.purchaseId;
  if (byMetadata) {
    const purchase = await database.purchase.findUnique({
      where: { id: byMetadata },
      select: { id: true, userId: true, stripeCheckoutSessionId: true },
    });
    if (
      purchase &&
      purchase.userId === session.client_reference_id &&
      (purchase.stripeCheckoutSessionId === null || purchase.stripeCheckoutSessionId === session.id)
    ) {
      return purchase.id;
    }
  }
  const bySession = await database.purchase.findUnique({
    where: { stripeCheckoutSessionId: session.id },
    select: { id: true },
  });
  return bySession?.id ?? null;
}

/**
 * The purchase a payment intent paid for: the id we stored when the session was paid, or (when a
 * refund or dispute outruns the checkout events) the Checkout Session Stripe lists for it.
 */
export async function findPurchaseForPaymentIntent(
  database: Db,
  stripe: Stripe,
  paymentIntentId: string,
): Promise<string | null> {
  const stored = await database.purchase.findUnique({
    where: { stripePaymentIntentId: paymentIntentId },
    select: { id: true },
  });
  if (stored) return stored.id;
  const list = await stripe.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 });
  const first = list.data[0];
  if (!first) return null;
  return findPurchaseForSession(database, checkoutSessionSchema.parse(first));
}

export async function retrieveSession(stripe: Stripe, sessionId: string): Promise<CheckoutSessionView> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent.latest_charge"] });
  return checkoutSessionSchema.parse(session);
}

function receiptUrlOf(session: CheckoutSessionView): string | null {
  const pi = session.payment_intent;
  if (!pi || typeof pi === "string") return null;
  const charge = pi.latest_charge;
  return charge && typeof charge !== "string" ? (charge.receipt_url ?? null) : null;
}

/** Links the purchase to what Stripe knows about it (session, payment intent, receipt). */
async function linkStripeIds(tx: Tx, purchase: Purchase, session: CheckoutSessionView): Promise<Purchase> {
  const paymentIntentId = idOf(session.payment_intent);
  const receiptUrl = receiptUrlOf(session);
  const data = {
    ...(purchase.stripeCheckoutSessionId ? {} : { stripeCheckoutSessionId: session.id }),
    ...(paymentIntentId && !purchase.stripePaymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}),
    ...(receiptUrl && !purchase.receiptUrl ? { receiptUrl } : {}),
  };
  if (Object.keys(data).length === 0) return purchase;
  return tx.purchase.update({ where: { id: purchase.id }, data });
}

export type Outcome = string;

/**
 * A Checkout Session event: credit the purchase once if Stripe says the session is paid; a session
 * whose payment failed or that expired unpaid marks the purchase failed. A credited purchase is
 * never un-credited here (refunds and disputes do that, through the ledger).
 */
export async function reconcileSession(
  tx: Tx,
  purchaseId: string,
  session: CheckoutSessionView,
  signal: "completed" | "async_succeeded" | "async_failed" | "expired",
): Promise<Outcome> {
  const locked = await lockPurchase(tx, purchaseId);
  if (!locked) return "purchase not found";
  const purchase = await linkStripeIds(tx, locked, session);

  if (session.payment_status === "paid") {
    if (session.amount_total !== purchase.amountCents || session.currency?.toLowerCase() !== purchase.currency) {
      // Never credit a session whose money differs from the pack we priced: someone must look.
      log.error("stripe: paid session does not match its purchase", {
        purchaseId,
        sessionId: session.id,
        amountTotal: session.amount_total,
        currency: session.currency,
      });
      return "amount mismatch: not credited";
    }
    return creditPurchase(tx, purchase);
  }

  if (purchase.paidAt) return "already credited";
  const failed = signal === "async_failed" || (signal === "expired" && session.status === "expired");
  if (failed && purchase.status !== "FAILED") {
    await tx.purchase.update({ where: { id: purchase.id }, data: { status: "FAILED" } });
    return signal === "expired" ? "expired unpaid: purchase failed" : "async payment failed: purchase failed";
  }
  return "not paid yet";
}

async function creditPurchase(tx: Tx, purchase: Purchase): Promise<Outcome> {
  if (purchase.paidAt) return "already credited";
  const result = await recordMovement(tx, {
    userId: purchase.userId,
    kind: "PURCHASE",
    amount: purchase.credits,
    idempotencyKey: `purchase:${purchase.id}`,
    reason: `Bought the ${packLabel(purchase)}: ${purchase.credits} credits for ${formatMoney(purchase.amountCents, purchase.currency)}`,
    purchaseId: purchase.id,
  });
  if (!result.ok) throw new Error(`crediting purchase ${purchase.id} failed: ${result.code}`);
  const paid = await tx.purchase.update({
    where: { id: purchase.id },
    data: { status: "PAID", paidAt: new Date() },
  });
  // A refund that arrived before the payment was confirmed is settled now that there is something to settle.
  if (paid.refundedCents > 0) {
    const settled = await settleRefunds(tx, paid, paid.refundedCents);
    return `credited; ${settled}`;
  }
  return "credited";
}

/** The credits a cumulative refund stands for: the refunded share of the pack, rounded down. */
export function refundedShare(purchase: Pick<Purchase, "credits" | "amountCents">, refundedCents: number): number {
  if (purchase.amountCents <= 0) return 0;
  const cents = Math.min(refundedCents, purchase.amountCents);
  return Math.floor((purchase.credits * cents) / purchase.amountCents);
}

/**
 * Takes back credits the user now owes, never more than the balance holds: the balance cannot go
 * negative, so credits already spent are written off (the ledger reason records the shortfall)
 * rather than carried as a debt. Returns the ledger reason written.
 */
async function takeBack(
  tx: Tx,
  purchase: Purchase,
  owed: number,
  idempotencyKey: string,
  why: string,
): Promise<{ taken: number; shortfall: number }> {
  const rows = await tx.$queryRaw<{ creditBalance: number }[]>`
    SELECT "creditBalance" FROM "User" WHERE "id" = ${purchase.userId} FOR NO KEY UPDATE`;
  const balance = rows[0]?.creditBalance ?? 0;
  const taken = Math.min(owed, balance);
  const shortfall = owed - taken;
  const reason =
    shortfall > 0
      ? `${why}: ${owed} credits owed, ${taken} taken back; ${shortfall} already spent were written off`
      : `${why}: ${taken} credits taken back`;
  const result = await recordMovement(tx, {
    userId: purchase.userId,
    kind: "CLAWBACK",
    amount: -taken,
    idempotencyKey,
    reason,
    purchaseId: purchase.id,
  });
  if (!result.ok) throw new Error(`clawback for purchase ${purchase.id} failed: ${result.code}`);
  return { taken, shortfall };
}

/**
 * Brings the purchase in line with the charge's cumulative refunded amount. `creditsClawedBack`
 * counts the credits of this purchase already settled against refunds or a lost dispute (taken
 * back, or written off when spent), so each event takes only the difference and a replay, an
 * older event or a lower figure changes nothing.
 */
export async function settleRefunds(tx: Tx, purchase: Purchase, cumulativeRefundedCents: number): Promise<Outcome> {
  const refundedCents = Math.max(purchase.refundedCents, Math.min(cumulativeRefundedCents, purchase.amountCents));
  const fullyRefunded = refundedCents >= purchase.amountCents;
  if (!purchase.paidAt) {
    if (refundedCents !== purchase.refundedCents) {
      await tx.purchase.update({ where: { id: purchase.id }, data: { refundedCents } });
    }
    return "refund recorded; credits not granted yet";
  }
  const owed = refundedShare(purchase, refundedCents) - purchase.creditsClawedBack;
  let outcome = "refund already settled";
  if (owed > 0) {
    const { taken, shortfall } = await takeBack(
      tx,
      purchase,
      owed,
      `clawback:${purchase.id}:${refundedCents}`,
      `Refund of ${formatMoney(refundedCents, purchase.currency)} on the ${packLabel(purchase)}`,
    );
    outcome = `clawed back ${taken}${shortfall ? ` (wrote off ${shortfall})` : ""}`;
  }
  await tx.purchase.update({
    where: { id: purchase.id },
    data: {
      refundedCents,
      creditsClawedBack: purchase.creditsClawedBack + Math.max(owed, 0),
      ...(fullyRefunded ? { status: "REFUNDED" } : {}),
    },
  });
  return outcome;
}

/**
 * A dispute's current status decides: open locks spending; lost takes back what is left of the
 * purchase and unlocks; won (or any other close) unlocks. Spending unlocks only when none of the
 * user's purchases has an open dispute.
 */
export async function reconcileDispute(
  tx: Tx,
  purchase: Purchase,
  dispute: { id: string; status: string },
  open: boolean,
): Promise<Outcome> {
  if (open) {
    await tx.purchase.update({ where: { id: purchase.id }, data: { disputed: true } });
    await tx.user.update({ where: { id: purchase.userId }, data: { spendingLocked: true } });
    return "dispute open: spending locked";
  }
  let outcome = `dispute ${dispute.status}`;
  if (dispute.status === "lost" && purchase.paidAt) {
    const owed = purchase.credits - purchase.creditsClawedBack;
    if (owed > 0) {
      const { taken, shortfall } = await takeBack(
        tx,
        purchase,
        owed,
        `dispute-lost:${dispute.id}`,
        `Card dispute lost on the ${packLabel(purchase)}`,
      );
      outcome += `: clawed back ${taken}${shortfall ? ` (wrote off ${shortfall})` : ""}`;
    }
    await tx.purchase.update({
      where: { id: purchase.id },
      data: { disputed: false, creditsClawedBack: purchase.credits, status: "REFUNDED" },
    });
  } else {
    await tx.purchase.update({ where: { id: purchase.id }, data: { disputed: false } });
  }
  const stillOpen = await tx.purchase.count({ where: { userId: purchase.userId, disputed: true } });
  if (stillOpen === 0) {
    await tx.user.update({ where: { id: purchase.userId }, data: { spendingLocked: false } });
    outcome += "; spending unlocked";
  }
  return outcome;
}
