import { describe, expect, it } from "vitest";
import { submitGeneration } from "../../lib/generations/submit";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { createUser, openTestDb } from "../support/db";
import { balanceOf, expectLedgerBalanced, newKey, openTestJobs, waitForSettled } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// 50 submissions at once against a balance that covers 10: they truly race on the account's row
// (on the embedded server as on TEST_DATABASE_URL's, both real PostgreSQL servers).

const fake = await openTestUpstream({
  // This test is about the ledger under a race, not about the submission limits.
  env: { GENERATIONS_ACTIVE_PER_USER: "0", RATE_LIMIT_GENERATIONS_PER_USER: "off" },
});

const testDb = await openTestDb({ max: 30 });
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 30 });

describe("50 concurrent submissions", () => {
  it("queue exactly as many generations as the balance covers, and call the upstream once each", async () => {
    const user = await createUser(db, { credits: 40 });
    const submit = () =>
      submitGeneration({
        userId: user.id,
        input: { prompt: "a field of poppies", sizePreset: "square", numImages: 1 },
        idempotencyKey: newKey(),
      });
    const results = await Promise.all(Array.from({ length: 50 }, submit));

    const accepted = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r).toMatchObject({ ok: false, code: "insufficient_credits", cost: 4 });
    expect(await balanceOf(db, user.id)).toBe(0);
    expect(await db.generation.count({ where: { userId: user.id, status: "QUEUED" } })).toBe(10);
    await expectLedgerBalanced(db);

    fake.resetCalls();
    await startGenerationWorkers({ concurrency: 4 });
    for (const r of accepted) {
      if (!r.ok) continue;
      expect((await waitForSettled(db, r.generation.id, 60_000)).status).toBe("COMPLETED");
    }
    expect(fake.calls()).toBe(10);
    expect(await balanceOf(db, user.id)).toBe(0);
    await expectLedgerBalanced(db);
  });
});
