import { describe, expect, it } from "vitest";
import { submitGeneration } from "../../lib/generations/submit";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { createUser, openTestDb } from "../support/db";
import { balanceOf, expectLedgerBalanced, newKey, openTestJobs, waitForSettled } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// GENERATION_CONCURRENCY counts generations waiting on the model, not database connections: with
// a pool of 3 connections, 24 generations are in flight at once (all RUNNING, all waiting on the
// fake model), because waiting holds no connection, and one polling loop takes all 24 jobs.

const fake = await openTestUpstream({
  // This test is about generations in flight, not about the per-user submission limits.
  env: { GENERATIONS_ACTIVE_PER_USER: "0", RATE_LIMIT_GENERATIONS_PER_USER: "off" },
});

const IN_FLIGHT = 24;
const testDb = await openTestDb({ max: 3 });
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 60 });

describe("generations in flight", () => {
  it(`keeps ${IN_FLIGHT} generations waiting on the model at once on a pool of 3 database connections`, async () => {
    await startGenerationWorkers({ concurrency: IN_FLIGHT });
    const user = await createUser(db, { credits: 4 * IN_FLIGHT });
    fake.resetCalls();
    // The model takes 20 s: long enough for every submit to land before the first answer, even on a busy machine.
    const ids = await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, i) => {
        const submitted = await submitGeneration({
          userId: user.id,
          input: { prompt: `[[slow:20000]] tide pool ${i}`, sizePreset: "square", numImages: 1 },
          idempotencyKey: newKey(),
        });
        if (!submitted.ok) throw new Error(submitted.message);
        return submitted.generation.id;
      }),
    );

    const started = Date.now();
    let waiting = 0;
    // In flight = claimed (RUNNING), the model called, no answer yet.
    while (waiting < IN_FLIGHT || fake.calls() < IN_FLIGHT) {
      if (Date.now() - started > 60_000) {
        throw new Error(`only ${waiting} generations running, ${fake.calls()} model calls at once`);
      }
      await new Promise((r) => setTimeout(r, 50));
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Generation"
        WHERE "id" = ANY(${ids}) AND "status" = 'RUNNING' AND "providerAnswer" IS NULL`;
      waiting = row?.n ?? 0;
    }
    expect(fake.calls()).toBe(IN_FLIGHT);

    for (const id of ids) expect((await waitForSettled(db, id, 60_000)).status).toBe("COMPLETED");
    expect(await balanceOf(db, user.id)).toBe(0);
    await expectLedgerBalanced(db);
  }, 180_000);
});
