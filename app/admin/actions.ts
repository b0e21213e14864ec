"use server";

import { z } from "zod";
import { fail, ok } from "@/lib/action";
import { adminAction } from "@/lib/admin/action";
import { recordAudit } from "@/lib/admin/audit";
import { changeCredits, setFrozen, signOutEverywhere } from "@/lib/admin/users";
import { checkLedger } from "@/lib/credits/ledger-check";
import { db } from "@/lib/db";

// The admin area's server actions. Every one goes through adminAction (non-admins get a 404) and
// leaves an entry in the audit log.

const userId = z.string().trim().min(1).max(100);
const reason = z
  .string({ error: "A reason is required." })
  .trim()
  .min(1, "A reason is required: it is kept in the audit log (and shown to the user for credit changes).")
  .max(500, "Keep the reason under 500 characters.");

const changeCreditsInput = z.object({
  userId,
  kind: z.enum(["grant", "adjust"]),
  credits: z.coerce
    .number({ error: "Credits must be a whole number." })
    .int("Credits must be a whole number.")
    .refine((n) => n !== 0, "Credits must not be zero.")
    .refine((n) => Math.abs(n) <= 1_000_000, "At most 1,000,000 credits at once."),
  reason,
  key: z.string().regex(/^[A-Za-z0-9-]{8,100}$/, "Missing form key; reload the page."),
});

export const changeCreditsAction = adminAction(changeCreditsInput, async (input, admin) => {
  const result = await changeCredits({ admin, ...input });
  if (!result.ok) return fail(result.code, result.message);
  return ok({ applied: result.applied, balance: result.balance });
});

const setFrozenInput = z.object({ userId, frozen: z.enum(["true", "false"]).transform((v) => v === "true"), reason });

export const setFrozenAction = adminAction(setFrozenInput, async (input, admin) => {
  const result = await setFrozen({ admin, ...input });
  if (!result) return fail("not_found", "That account no longer exists.");
  return ok({ frozen: input.frozen, changed: result.changed });
});

export const signOutEverywhereAction = adminAction(z.object({ userId, reason }), async (input, admin) => {
  const result = await signOutEverywhere({ admin, ...input });
  if (!result) return fail("not_found", "That account no longer exists.");
  return ok(result);
});

export const runLedgerCheckAction = adminAction(z.object({}), async (_input, admin) => {
  const check = await checkLedger(db());
  await recordAudit(db(), {
    admin,
    action: "ledger.check",
    details: { ok: check.ok, users: check.users, mismatches: check.mismatches.length },
  });
  return ok({ ok: check.ok, lines: check.lines });
});
