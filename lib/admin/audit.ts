import "server-only";
import type { Tx } from "@/lib/credits/ledger";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { decodeCursor, encodeCursor, olderThan } from "@/lib/pagination/cursor";
import type { Admin } from "./access";

// The admin audit log: who did what to whom, when and why. Written in the same transaction as the
// change it records; the table refuses UPDATE, DELETE and TRUNCATE (see the migration).

export const AUDIT_ACTIONS = {
  "credits.grant": "Granted credits",
  "credits.adjust": "Adjusted credits",
  "user.freeze": "Froze generating and buying",
  "user.unfreeze": "Unfroze generating and buying",
  "user.sign_out": "Signed out everywhere",
  "ledger.check": "Ran the ledger check",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export type AuditInput = {
  admin: Admin;
  action: AuditAction;
  target?: { id: string; email: string | null };
  reason?: string;
  details?: Prisma.InputJsonObject;
};

export async function recordAudit(client: Pick<Tx, "adminAuditEntry">, input: AuditInput): Promise<void> {
  await client.adminAuditEntry.create({
    data: {
      actorId: input.admin.id,
      actorEmail: input.admin.email,
      action: input.action,
      targetUserId: input.target?.id ?? null,
      targetEmail: input.target?.email ?? null,
      reason: input.reason ?? null,
      ...(input.details ? { details: input.details } : {}),
    },
  });
}

export type AuditRow = {
  id: string;
  actorEmail: string;
  action: string;
  targetUserId: string | null;
  targetEmail: string | null;
  reason: string | null;
  details: Prisma.JsonValue;
  createdAt: Date;
};

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, keyset-paginated (`before` is the `older` cursor of the previous page). */
export async function listAudit({
  before,
  targetUserId,
  limit = AUDIT_PAGE_SIZE,
}: {
  before?: string;
  targetUserId?: string;
  limit?: number;
} = {}): Promise<{ rows: AuditRow[]; older: string | null }> {
  const cursor = decodeCursor(before);
  const rows = await db().adminAuditEntry.findMany({
    where: {
      ...(targetUserId ? { targetUserId } : {}),
      ...(cursor ? olderThan(cursor) : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, older: rows.length > limit && last ? encodeCursor(last) : null };
}

/** The audit log's wording for an action (an unknown one, from a later version, as it is stored). */
export function auditLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action as AuditAction] : action;
}
