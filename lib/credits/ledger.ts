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
 * Moves credits inside the caller's transaction, in ONE statement (one round trip, however busy
 * the process): a conditional UPDATE of the balance (never read-then-write, never below zero) and
 * the ledger row carrying the balance after it, both skipped when the key is already in the
 * ledger. A key seen before changes nothing and reports applied: false; a concurrent duplicate
 * loses on the unique key and its transaction rolls back, so the balance moves once.
 */
export async function recordMovement(tx: Tx, input: MovementInput): Promise<MovementResult> {
  if (!Number.isSafeInteger(input.amount)) throw new Error("credit amounts are whole numbers");
  // A concurrent debit makes the UPDATE wait and re-check its condition on the newer balance.
  // "balance" is read from the statement's snapshot: only the refusal message uses it.
  const [row] = await tx.$queryRaw<
    { applied: number | null; seenBalance: number | null; seenUser: string | null; balance: number | null }[]
  >`
    WITH seen AS (
      SELECT "balanceAfter", "userId" FROM "CreditMovement" WHERE "idempotencyKey" = ${input.idempotencyKey}
    ), moved AS (
      UPDATE "User" SET "creditBalance" = "creditBalance" + ${input.amount}::int, "updatedAt" = now()
      WHERE "id" = ${input.userId} AND "creditBalance" + ${input.amount}::int >= 0 AND NOT EXISTS (SELECT 1 FROM seen)
      RETURNING "creditBalance"
    ), recorded AS (
      INSERT INTO "CreditMovement"
        ("id", "userId", "kind", "amount", "balanceAfter", "idempotencyKey", "reason", "generationId", "purchaseId", "createdAt")
      SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), ${input.userId}, CAST(${input.kind} AS "MovementKind"),
        ${input.amount}::int, moved."creditBalance", ${input.idempotencyKey}, ${input.reason},
        ${input.generationId ?? null}::text, ${input.purchaseId ?? null}::text, now() AT TIME ZONE 'UTC'
      FROM moved
      RETURNING "balanceAfter"
    )
    SELECT (SELECT "balanceAfter" FROM recorded) AS "applied",
      (SELECT "balanceAfter" FROM seen) AS "seenBalance",
      (SELECT "userId" FROM seen) AS "seenUser",
      (SELECT "creditBalance" FROM "User" WHERE "id" = ${input.userId}) AS "balance"`;
  if (!row) throw new Error("ledger: the movement statement returned no row");
  if (row.seenUser !== null) {
    if (row.seenUser !== input.userId) throw new Error("idempotency key reused for another user");
    return { ok: true, applied: false, balanceAfter: row.seenBalance ?? 0 };
  }
  if (row.applied !== null) return { ok: true, applied: true, balanceAfter: row.applied };
  return row.balance === null
    ? { ok: false, code: "unknown_user", balance: 0 }
    : { ok: false, code: "insufficient_credits", balance: row.balance };
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
