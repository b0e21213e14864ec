// The billing page's data: keyset pages over the ledger and the per-day usage series.
import { describe, expect, it } from "vitest";
import { listMovements, usageByDay } from "@/lib/billing/queries";
import { applyMovement } from "@/lib/credits/ledger";
import { createUser, openTestDb } from "../support/db";

const { db } = await openTestDb();

describe("listMovements", () => {
  it("pages through every movement once, newest first, and back again", async () => {
    const user = await createUser(db, { credits: 1000 });
    for (let i = 0; i < 11; i++) {
      await applyMovement(db, {
        userId: user.id,
        kind: "ADJUSTMENT",
        amount: -(i + 1),
        idempotencyKey: `page-test:${user.id}:${i}`,
        reason: `step ${i}`,
      });
    }
    const seen: string[] = [];
    let page = await listMovements({ userId: user.id, limit: 5 });
    expect(page.newer).toBeNull();
    const pages = [page];
    while (page.older) {
      page = await listMovements({ userId: user.id, before: page.older, limit: 5 });
      pages.push(page);
    }
    for (const p of pages) seen.push(...p.rows.map((r) => r.id));
    expect(pages.map((p) => p.rows.length)).toEqual([5, 5, 2]);
    expect(new Set(seen).size).toBe(12);
    const all = pages.flatMap((p) => p.rows);
    for (let i = 1; i < all.length; i++) {
      expect(all[i - 1]?.createdAt.getTime()).toBeGreaterThanOrEqual(all[i]?.createdAt.getTime() ?? 0);
    }
    expect(all[0]?.reason).toBe("step 10");
    expect(all.at(-1)?.kind).toBe("GRANT");

    const last = pages[2] ?? expect.unreachable("third page");
    const back = await listMovements({ userId: user.id, after: last.newer ?? "", limit: 5 });
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]?.rows.map((r) => r.id));
    expect(back.older).not.toBeNull();
  });

  it("shows only the user's own movements and ignores a garbled cursor", async () => {
    const mine = await createUser(db, { credits: 5 });
    await createUser(db, { credits: 7 });
    const page = await listMovements({ userId: mine.id, before: "not-a-cursor" });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]?.amount).toBe(5);
  });
});

describe("usageByDay", () => {
  it("sums credits spent and provider tokens per day, with empty days filled in", async () => {
    const user = await createUser(db, { credits: 100 });
    const generation = await db.generation.create({
      data: {
        userId: user.id,
        idempotencyKey: "usage-test",
        model: "bytedance/seedream-v4-text-to-image",
        source: "API",
        prompt: "a lighthouse",
        width: 1024,
        height: 1024,
        aspect: "1:1",
        numImages: 2,
        costCredits: 8,
        tokensUsed: 1234,
        deadlineAt: new Date(Date.now() + 600_000),
      },
    });
    const spend = (kind: "RESERVE" | "REFUND", amount: number, key: string) =>
      applyMovement(db, {
        userId: user.id,
        kind,
        amount,
        idempotencyKey: key,
        reason: kind,
        generationId: generation.id,
      });
    await spend("RESERVE", -8, `usage:${user.id}:reserve`);
    await spend("REFUND", 4, `usage:${user.id}:refund`);

    const days = await usageByDay({ userId: user.id, days: 30 });
    expect(days).toHaveLength(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(days.at(-1)).toEqual({ day: today, creditsSpent: 4, tokensUsed: 1234 });
    expect(days.slice(0, -1).every((d) => d.creditsSpent === 0 && d.tokensUsed === 0)).toBe(true);
    expect(await usageByDay({ userId: user.id, days: 90 })).toHaveLength(90);
  });
});
