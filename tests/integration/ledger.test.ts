import { describe, expect, it } from "vitest";
import { applyMovement, findLedgerMismatches } from "../../lib/credits/ledger";
import { grantSignupCredits } from "../../lib/credits/signup-grant";
import { createUser, openTestDb } from "../support/db";

const { db } = await openTestDb({ max: 20 });

describe("credit ledger", () => {
  it("grants the sign-up credits once", async () => {
    const user = await createUser(db);
    await grantSignupCredits(db, user.id);
    await grantSignupCredits(db, user.id);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.creditBalance).toBe(20);
    expect(await db.creditMovement.count({ where: { userId: user.id } })).toBe(1);
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("never takes a balance below zero and records the balance after each movement", async () => {
    const user = await createUser(db, { credits: 10 });
    const spend = (n: number, key: string) =>
      applyMovement(db, { userId: user.id, kind: "ADJUSTMENT", amount: -n, idempotencyKey: key, reason: "test" });
    expect(await spend(7, "a")).toEqual({ ok: true, applied: true, balanceAfter: 3 });
    expect(await spend(7, "b")).toEqual({ ok: false, code: "insufficient_credits", balance: 3 });
    expect(await spend(7, "a")).toEqual({ ok: true, applied: false, balanceAfter: 3 });
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("applies concurrent duplicates of one key once", async () => {
    const user = await createUser(db, { credits: 5 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        applyMovement(db, {
          userId: user.id,
          kind: "GRANT",
          amount: 3,
          idempotencyKey: `dup:${user.id}`,
          reason: "dup",
        }),
      ),
    );
    expect(results.filter((r) => r.ok && r.applied)).toHaveLength(1);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.creditBalance).toBe(8);
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("refuses to edit or delete ledger rows", async () => {
    const user = await createUser(db, { credits: 5 });
    await expect(db.creditMovement.updateMany({ where: { userId: user.id }, data: { amount: 500 } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.creditMovement.deleteMany({ where: { userId: user.id } })).rejects.toThrow(/append-only/);
  });

  it("refuses a negative balance at the database level", async () => {
    const user = await createUser(db);
    await expect(db.$executeRaw`UPDATE "User" SET "creditBalance" = -1 WHERE "id" = ${user.id}`).rejects.toThrow();
  });
});
