import "server-only";
import { adjustCredits, grantCredits, OperatorError } from "@/lib/credits/operator";
import { db } from "@/lib/db";
import type { Admin } from "./access";
import { recordAudit } from "./audit";

// What an admin does to one account. Every change and its audit entry commit in one transaction.

export type AdminUserRow = {
  id: string;
  email: string | null;
  creditBalance: number;
  frozen: boolean;
  spendingLocked: boolean;
  createdAt: Date;
};

const rowSelect = {
  id: true,
  email: true,
  creditBalance: true,
  frozen: true,
  spendingLocked: true,
  createdAt: true,
} as const;

/** Accounts whose email contains `query` (any case), newest first; the newest accounts when it is empty. */
export async function searchUsers({ query, limit = 50 }: { query: string; limit?: number }): Promise<AdminUserRow[]> {
  const q = query.trim();
  return db().user.findMany({
    where: q ? { email: { contains: q, mode: "insensitive" } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: rowSelect,
  });
}

export type AdminUserDetail = AdminUserRow & { sessions: number; generations: number };

export async function getUserForAdmin({ userId }: { userId: string }): Promise<AdminUserDetail | null> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { ...rowSelect, _count: { select: { sessions: true, generations: true } } },
  });
  if (!user) return null;
  const { _count, ...row } = user;
  return { ...row, sessions: _count.sessions, generations: _count.generations };
}

export type AdminChangeResult =
  | { ok: true; applied: boolean; balance: number }
  | { ok: false; code: "refused"; message: string };

/**
 * A grant (adds) or an adjustment (adds or takes) through the same ledger code as `npm run admin`
 * (lib/credits/operator.ts). `key` makes a resubmitted form a no-op; the audit entry is written
 * only when credits moved, in the movement's transaction.
 */
export async function changeCredits({
  admin,
  userId,
  kind,
  credits,
  reason,
  key,
}: {
  admin: Admin;
  userId: string;
  kind: "grant" | "adjust";
  credits: number;
  reason: string;
  key: string;
}): Promise<AdminChangeResult> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user?.email) return { ok: false, code: "refused", message: "This account has no email to change credits by." };
  const email = user.email;
  try {
    const result = await (kind === "grant" ? grantCredits : adjustCredits)(db(), {
      email,
      credits,
      reason,
      key: `admin:${key}`,
      whenApplied: (tx, applied) =>
        recordAudit(tx, {
          admin,
          action: kind === "grant" ? "credits.grant" : "credits.adjust",
          target: { id: applied.userId, email },
          reason: reason.trim(),
          details: { credits, balanceAfter: applied.balanceAfter },
        }),
    });
    return { ok: true, applied: result.applied, balance: result.balance };
  } catch (error) {
    if (error instanceof OperatorError) return { ok: false, code: "refused", message: error.message };
    throw error;
  }
}

/** Freezes or unfreezes generating and buying. Recorded only when the flag actually changed. */
export async function setFrozen({
  admin,
  userId,
  frozen,
  reason,
}: {
  admin: Admin;
  userId: string;
  frozen: boolean;
  reason: string;
}): Promise<{ changed: boolean } | null> {
  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ email: string | null }[]>`
      UPDATE "User" SET "frozen" = ${frozen}, "updatedAt" = now()
      WHERE "id" = ${userId} AND "frozen" <> ${frozen}
      RETURNING "email"`;
    const changed = rows[0];
    if (!changed) {
      const exists = await tx.user.count({ where: { id: userId } });
      return exists ? { changed: false } : null;
    }
    await recordAudit(tx, {
      admin,
      action: frozen ? "user.freeze" : "user.unfreeze",
      target: { id: userId, email: changed.email },
      reason: reason.trim(),
    });
    return { changed: true };
  });
}

/** Ends every session of the account (database sessions: the next request of each device is signed out). */
export async function signOutEverywhere({
  admin,
  userId,
  reason,
}: {
  admin: Admin;
  userId: string;
  reason: string;
}): Promise<{ sessions: number } | null> {
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) return null;
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await recordAudit(tx, {
      admin,
      action: "user.sign_out",
      target: { id: userId, email: user.email },
      reason: reason.trim(),
      details: { sessions: count },
    });
    return { sessions: count };
  });
}
