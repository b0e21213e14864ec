import type { Db } from "@/lib/db";
import type { MovementKind } from "@/lib/generated/prisma/enums";

/** A Prisma transaction client (what `db.$transaction(async (tx) => ...)` hands you). */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type MovementInput = {
  userId: string;
  kind: MovementKind;
  /** Signed: positive adds credits, negative takes them. */
  amount: number;
  /** Unique across the ledger: the same key never moves credits twice. */
  idempotencyKey: string;
  reason: string;
  generationId?: string;
  purchaseId?: string;
};

export type MovementResult =
  | { ok: true; applied: boolean; balanceAfter: number }
  | { ok: false; code: "insufficient_credits" | "unknown_user"; balance: number };

/**
 * Moves credits inside the caller's transaction: one conditional UPDATE (never read-then-write,
 * never below zero) and one ledger row carrying the balance after it. A key seen before changes
 * nothing and reports applied: false; a concurrent duplicate loses on the unique key and its
 * transaction rolls back, so the balance moves once.
 */
export async function recordMovement(tx: Tx, input: MovementInput): Promise<MovementResult> {
  if (!Number.isSafeInteger(input.amount)) throw new Error("credit amounts are whole numbers");
  const seen = await tx.creditMovement.findUnique({
    where: { idempotencyKey: input.idempotencyKey },
    select: { balanceAfter: true, userId: true },
  });
  if (seen) {
    if (seen.userId !== input.userId) throw new Error("idempotency key reused for another user");
    return { ok: true, applied: false, balanceAfter: seen.balanceAfter };
  }
  const updated = await tx.$queryRaw<{ creditBalance: number }[]>`
    UPDATE "User" SET "creditBalance" = "creditBalance" + ${input.amount}, "updatedAt" = now()
    WHERE "id" = ${input.userId} AND "creditBalance" + ${input.amount} >= 0
    RETURNING "creditBalance"`;
  const row = updated[0];
  if (!row) {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { creditBalance: true } });
    return user
      ? { ok: false, code: "insufficient_credits", balance: user.creditBalance }
      : { ok: false, code: "unknown_user", balance: 0 };
  }
  await tx.creditMovement.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      amount: input.amount,
      balanceAfter: row.creditBalance,
      idempotencyKey: input.idempotencyKey,
      reason: input.reason,
      generationId: input.generationId,
      purchaseId: input.purchaseId,
    },
  });
  return { ok: true, applied: true, balanceAfter: row.creditBalance };
}

/** True when a Prisma or pg error is a unique-constraint violation (a lost idempotency race). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  if (e.code === "P2002" || e.code === "23505") return true;
  if (e.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation") return true;
  return e.cause !== undefined && e.cause !== error && isUniqueViolation(e.cause);
}

/**
 * Runs one movement in its own transaction. A concurrent duplicate that loses the unique-key
 * race is reported as already applied rather than thrown. `whenApplied` runs inside that
 * transaction only when the movement was applied (the admin area writes its audit entry there,
 * so the movement and its record commit together or not at all).
 */
export async function applyMovement(
  database: Db,
  input: MovementInput,
  whenApplied?: (tx: Tx, balanceAfter: number) => Promise<void>,
): Promise<MovementResult> {
  try {
    return await database.$transaction(async (tx) => {
      const result = await recordMovement(tx, input);
      if (result.ok && result.applied && whenApplied) await whenApplied(tx, result.balanceAfter);
      return result;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seen = await database.creditMovement.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    return { ok: true, applied: false, balanceAfter: seen.balanceAfter };
  }
}

export type LedgerMismatch = { userId: string; email: string | null; balance: number; ledgerSum: number };

/** Every user whose balance differs from the sum of their movements. */
export async function findLedgerMismatches(database: Db): Promise<LedgerMismatch[]> {
  const rows = await database.$queryRaw<{ userId: string; email: string | null; balance: number; ledgerSum: bigint }[]>`
    SELECT u."id" AS "userId", u."email", u."creditBalance" AS "balance", COALESCE(SUM(m."amount"), 0) AS "ledgerSum"
    FROM "User" u LEFT JOIN "CreditMovement" m ON m."userId" = u."id"
    GROUP BY u."id"`;
  return rows.map((r) => ({ ...r, ledgerSum: Number(r.ledgerSum) })).filter((r) => r.balance !== r.ledgerSum);
}
