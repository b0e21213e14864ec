import "server-only";
import { db } from "@/lib/db";
import type { MovementKind, PurchaseStatus } from "@/lib/generated/prisma/enums";
import { decodeCursor, encodeCursor, newerThan, olderThan } from "@/lib/pagination/cursor";

export const MOVEMENTS_PAGE_SIZE = 25;

export type MovementRow = {
  id: string;
  kind: MovementKind;
  amount: number;
  balanceAfter: number;
  reason: string;
  createdAt: Date;
  generationId: string | null;
  receiptUrl: string | null;
};

export type MovementPage = { rows: MovementRow[]; older: string | null; newer: string | null };

/**
 * One page of the user's ledger, newest first. `before` pages to older rows, `after` back to
 * newer ones; both are keyset cursors, so pages stay stable while new movements arrive.
 */
export async function listMovements({
  userId,
  before,
  after,
  limit = MOVEMENTS_PAGE_SIZE,
}: {
  userId: string;
  before?: string;
  after?: string;
  limit?: number;
}): Promise<MovementPage> {
  const older = decodeCursor(before);
  const newer = older ? null : decodeCursor(after);
  const where = { userId, ...(older ? olderThan(older) : newer ? newerThan(newer) : {}) };
  const direction = newer ? "asc" : "desc";
  const found = await db().creditMovement.findMany({
    where,
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: limit + 1,
    select: {
      id: true,
      kind: true,
      amount: true,
      balanceAfter: true,
      reason: true,
      createdAt: true,
      generationId: true,
      purchase: { select: { receiptUrl: true } },
    },
  });
  const hasMore = found.length > limit;
  const page = found.slice(0, limit);
  if (newer) page.reverse();
  const rows = page.map(({ purchase, ...row }) => ({ ...row, receiptUrl: purchase?.receiptUrl ?? null }));
  const first = rows[0];
  const last = rows.at(-1);
  const moreOlder = newer ? true : hasMore;
  const moreNewer = newer ? hasMore : Boolean(older);
  return {
    rows,
    older: moreOlder && last ? encodeCursor(last) : null,
    newer: moreNewer && first ? encodeCursor(first) : null,
  };
}

export type UsageDay = { day: string; creditsSpent: number; tokensUsed: number };

/**
 * Credits spent (net of refunds for failed images) and provider tokens per UTC day, for the last
 * `days` days including today, with empty days filled in.
 */
export async function usageByDay({ userId, days }: { userId: string; days: number }): Promise<UsageDay[]> {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const since = new Date(today.getTime() - (days - 1) * 86_400_000);
  const [spent, tokens] = await Promise.all([
    db().$queryRaw<{ day: string; total: bigint }[]>`
      SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", -SUM("amount") AS "total"
      FROM "CreditMovement"
      WHERE "userId" = ${userId} AND "createdAt" >= ${since}
        AND "kind" IN ('RESERVE', 'SETTLE', 'REFUND')
      GROUP BY 1`,
    db().$queryRaw<{ day: string; total: bigint | null }[]>`
      SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", SUM("tokensUsed") AS "total"
      FROM "Generation"
      WHERE "userId" = ${userId} AND "createdAt" >= ${since}
      GROUP BY 1`,
  ]);
  const spentByDay = new Map(spent.map((r) => [r.day, Number(r.total)]));
  const tokensByDay = new Map(tokens.map((r) => [r.day, Number(r.total ?? 0)]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day, creditsSpent: Math.max(0, spentByDay.get(day) ?? 0), tokensUsed: tokensByDay.get(day) ?? 0 };
  });
}

export type CheckoutPurchase = {
  id: string;
  packId: string;
  credits: number;
  amountCents: number;
  currency: string;
  status: PurchaseStatus;
  paidAt: Date | null;
};

/** The signed-in user's purchase for a Checkout Session id (never someone else's). */
export async function findCheckoutPurchase({
  userId,
  sessionId,
}: {
  userId: string;
  sessionId: string;
}): Promise<CheckoutPurchase | null> {
  return db().purchase.findFirst({
    where: { userId, stripeCheckoutSessionId: sessionId },
    select: { id: true, packId: true, credits: true, amountCents: true, currency: true, status: true, paidAt: true },
  });
}
