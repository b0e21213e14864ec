import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import type { MovementKind } from "@/lib/generated/prisma/enums";
import { applyMovement, type Tx } from "./ledger";

// Operator changes to a balance (npm run admin). Plain module, no "server-only": scripts load it.

export class OperatorError extends Error {}

export type OperatorChange = {
  email: string;
  credits: number;
  reason: string;
  /** Makes a retried command a no-op; a fresh key per command otherwise. */
  key?: string;
  /** Runs in the movement's transaction when it applied (the admin area's audit entry). */
  whenApplied?: (tx: Tx, applied: { userId: string; balanceAfter: number }) => Promise<void>;
};

async function userByEmail(database: Db, email: string) {
  const user = await database.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, creditBalance: true, spendingLocked: true, frozen: true },
  });
  if (!user) throw new OperatorError(`No user with email ${email}.`);
  return user;
}

async function change(database: Db, kind: MovementKind, input: OperatorChange) {
  const reason = input.reason.trim();
  if (!reason) throw new OperatorError("A reason is required: it is recorded in the ledger for the user to see.");
  if (!Number.isSafeInteger(input.credits) || input.credits === 0) {
    throw new OperatorError("Credits must be a whole number other than zero.");
  }
  const user = await userByEmail(database, input.email);
  const key = `operator:${input.key ?? randomUUID()}`;
  const { whenApplied } = input;
  const result = await applyMovement(
    database,
    { userId: user.id, kind, amount: input.credits, idempotencyKey: key, reason },
    whenApplied && ((tx, balanceAfter) => whenApplied(tx, { userId: user.id, balanceAfter })),
  );
  if (!result.ok) {
    throw new OperatorError(
      result.code === "insufficient_credits"
        ? `The balance is ${result.balance}: taking ${-input.credits} would make it negative.`
        : `No user with email ${input.email}.`,
    );
  }
  return { userId: user.id, email: user.email, applied: result.applied, balance: result.balanceAfter, key };
}

/** Adds credits (ledger GRANT). */
export function grantCredits(database: Db, input: OperatorChange) {
  if (input.credits < 0) throw new OperatorError("A grant adds credits; use `adjust` to take some away.");
  return change(database, "GRANT", input);
}

/** Adds or takes credits (ledger ADJUSTMENT); never below zero. */
export function adjustCredits(database: Db, input: OperatorChange) {
  return change(database, "ADJUSTMENT", input);
}

export async function describeUser(database: Db, email: string, limit = 20) {
  const user = await userByEmail(database, email);
  const movements = await database.creditMovement.findMany({
    where: { userId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { createdAt: true, kind: true, amount: true, balanceAfter: true, reason: true },
  });
  return { ...user, movements };
}
