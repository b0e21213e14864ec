import { describe, expect, it } from "vitest";
import {
  creditsByDay,
  failureRates,
  generationsByDay,
  latencyByDay,
  queueDepth,
  revenueByDay,
  signupsByDay,
} from "@/lib/admin/overview";
import { applyMovement } from "@/lib/credits/ledger";
import { jobs, QUEUES } from "@/lib/jobs";
import { createUser, openTestDb } from "../support/db";
import { openTestJobs } from "../support/generations";
import { insertGeneration } from "../support/history";

// The admin overview's numbers, on seeded rows whose answers are known. Each file has a database
// of its own, so every count below is exact.

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);

const DAY = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY);
const row = <T extends { day: string }>(rows: T[], daysAgo: number) =>
  rows.find((r) => r.day === day(daysAgo)) ?? expect.unreachable(`no row for ${day(daysAgo)}`);

const MODEL_A = "bytedance/seedream-v4-text-to-image";
const MODEL_B = "bytedance/seedream-v4-edit";

const alice = await createUser(db, { email: "alice@example.com", credits: 40 });
const bob = await createUser(db, { email: "bob@example.com" });
await db.user.update({ where: { id: bob.id }, data: { createdAt: at(3) } });
const old = await createUser(db, { email: "old@example.com" });
await db.user.update({ where: { id: old.id }, data: { createdAt: at(40) } });

async function generation(daysAgo: number, seed: Parameters<typeof insertGeneration>[2], extra = {}) {
  const g = await insertGeneration(db, alice.id, { createdAt: at(daysAgo), ...seed });
  return db.generation.update({ where: { id: g.id }, data: extra });
}
await generation(0, { status: "COMPLETED", model: MODEL_A });
await generation(0, { status: "COMPLETED", model: MODEL_A });
await generation(0, { status: "FAILED", model: MODEL_A }, { errorCode: "provider_error" });
await generation(0, { status: "FAILED", model: MODEL_B }, { errorCode: "content_blocked" });
await generation(0, { status: "QUEUED", model: MODEL_B });
for (const ms of [100, 200, 300, 400, 1000]) await generation(3, { status: "COMPLETED" }, { upstreamMs: ms });
await generation(40, { status: "FAILED" }, { errorCode: "network" });

async function move(kind: Parameters<typeof applyMovement>[1]["kind"], amount: number, purchaseId?: string) {
  const result = await applyMovement(db, {
    userId: alice.id,
    kind,
    amount,
    idempotencyKey: `${kind.toLowerCase()}-${amount}-${purchaseId ?? "x"}`,
    reason: "seed",
    purchaseId,
  });
  expect(result.ok).toBe(true);
}

const purchase = (data: { amountCents: number; paidAt: Date; refundedCents?: number; disputed?: boolean }) =>
  db.purchase.create({
    data: { userId: alice.id, packId: "starter", credits: 100, currency: "usd", status: "PAID", ...data },
  });
await purchase({ amountCents: 500, paidAt: at(0), refundedCents: 200 });
await purchase({ amountCents: 1000, paidAt: at(0), disputed: true });
const lost = await purchase({ amountCents: 2500, paidAt: at(2) });
await purchase({ amountCents: 900, paidAt: at(50) });
await move("PURCHASE", 100);
await move("RESERVE", -6);
await move("REFUND", 3);
await move("ADJUSTMENT", -5);
await move("CLAWBACK", -20, lost.id);
// A lost dispute's clawback is known by its key.
await applyMovement(db, {
  userId: alice.id,
  kind: "CLAWBACK",
  amount: -10,
  idempotencyKey: "dispute-lost:dp_1",
  reason: "Dispute lost",
  purchaseId: lost.id,
});

describe("the admin overview", () => {
  it("counts sign-ups per day in the window, with empty days filled in", async () => {
    const rows = await signupsByDay(30);
    expect(rows).toHaveLength(30);
    expect(rows.at(-1)?.day).toBe(day(0));
    expect(row(rows, 0).values).toEqual({ signups: 1 });
    expect(row(rows, 3).values).toEqual({ signups: 1 });
    expect(row(rows, 1).values).toEqual({});
    expect(rows.reduce((n, r) => n + (r.values.signups ?? 0), 0)).toBe(2);
    expect((await signupsByDay(90)).reduce((n, r) => n + (r.values.signups ?? 0), 0)).toBe(3);
  });

  it("splits generations per day by status and by model", async () => {
    const { byStatus, byModel, models } = await generationsByDay(30);
    expect(row(byStatus, 0).values).toEqual({ COMPLETED: 2, FAILED: 2, QUEUED: 1 });
    expect(row(byStatus, 3).values).toEqual({ COMPLETED: 5 });
    expect(row(byModel, 0).values).toEqual({ [MODEL_A]: 3, [MODEL_B]: 2 });
    expect(models).toEqual([MODEL_B, MODEL_A].sort());
  });

  it("gives each error code's share of the finished generations", async () => {
    expect(await failureRates(30)).toEqual({
      finished: 9,
      codes: [
        { code: "content_blocked", failures: 1, rate: 1 / 9 },
        { code: "provider_error", failures: 1, rate: 1 / 9 },
      ],
    });
    expect((await failureRates(90)).codes.map((c) => c.code)).toContain("network");
  });

  it("computes the model call's p50 and p95 per day", async () => {
    const rows = await latencyByDay(30);
    // percentile_cont interpolates: p95 of 100..400,1000 lies 80% of the way from 400 to 1000.
    expect(row(rows, 3).values).toEqual({ p50: 300, p95: 880, calls: 5 });
    expect(row(rows, 0).values).toEqual({});
  });

  it("sums credits granted, sold, spent, refunded and clawed back from the ledger", async () => {
    const rows = await creditsByDay(30);
    expect(row(rows, 0).values).toEqual({ granted: 35, sold: 100, spent: 3, refunded: 3, clawedBack: 30 });
  });

  it("reports revenue, refunds and disputes per day of payment", async () => {
    const rows = await revenueByDay(30);
    expect(row(rows, 0).values).toEqual({ gross: 1500, refunds: 200, disputes: 1000 });
    expect(row(rows, 2).values).toEqual({ gross: 2500, refunds: 0, disputes: 2500 });
    expect(rows.reduce((n, r) => n + (r.values.gross ?? 0), 0)).toBe(4000);
  });

  it("shows the job queue's depth and its oldest waiting job once the queue exists", async () => {
    expect(await queueDepth()).toBeNull();
    const boss = await jobs();
    expect(await queueDepth()).toEqual([]);
    await boss.send(QUEUES.generate, { generationId: "g1" });
    await boss.send(QUEUES.generate, { generationId: "g2" });
    const [generate, ...others] = (await queueDepth()) ?? expect.unreachable("queue state");
    expect(others).toEqual([]);
    expect(generate).toMatchObject({ name: QUEUES.generate, waiting: 2, active: 0 });
    expect(generate?.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
    expect(generate?.oldestWaitingSeconds).toBeLessThan(60);
  });
});
