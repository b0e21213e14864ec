import { describe, expect, it } from "vitest";
import { GENERATION_MESSAGES } from "../../lib/generations/messages";
import { runGeneration } from "../../lib/generations/run";
import { submitGeneration } from "../../lib/generations/submit";
import { objectStore } from "../../lib/storage";
import type { ObjectStore } from "../../lib/storage/types";
import { createUser, openTestDb } from "../support/db";
import { balanceOf, expectLedgerBalanced, movementsOf, newKey, openTestJobs } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// A provider answer is paid for once (issue 13): the answer is saved as soon as it arrives, storage
// failures are retried inside the attempt, and a later attempt resumes from the saved answer. The
// fake provider counts its calls. Worker processes killed mid-way: generation-crash.test.ts.

const fake = await openTestUpstream({ maxRetries: 0 });

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 30 });

const FAST_RETRY = { tries: 4, baseMs: 5 };

/** The real store, except that its first `failures` writes (all when Infinity) fail like a full disk. */
function failingStore(failures: number): ObjectStore & { failedPuts: () => number } {
  const real = objectStore();
  let failed = 0;
  return {
    failedPuts: () => failed,
    async put(key, body, contentType) {
      if (failed < failures) {
        failed++;
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      }
      await real.put(key, body, contentType);
    },
    get: (key) => real.get(key),
    delete: (keys) => real.delete(keys),
  };
}

async function submitted(prompt: string, extra: Record<string, unknown> = {}) {
  const user = await createUser(db, { credits: 100 });
  const result = await submitGeneration({
    userId: user.id,
    input: { prompt, sizePreset: "square", numImages: 2, ...extra },
    idempotencyKey: newKey(),
  });
  if (!result.ok) throw new Error(result.message);
  expect(result.generation.source).toBe("API");
  fake.resetCalls();
  return { user, id: result.generation.id };
}

describe("a provider answer is paid for once", () => {
  it("storage fails twice, then works: 1 provider call, completed, charged once", async () => {
    const { user, id } = await submitted("a heron in the reeds");
    const store = failingStore(2);
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, store, retry: FAST_RETRY });

    expect(result).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 8 } });
    expect(store.failedPuts()).toBe(2);
    expect(fake.calls()).toBe(1);
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({ status: "COMPLETED", providerCalls: 1, attempts: 1, errorCode: null });
    expect(g.providerRequestId).toMatch(/^fake-/);
    expect(g.tokensUsed).toBe(126_000);
    expect(g.providerAnswer).toBeNull(); // done with once settled
    expect(g.images).toHaveLength(2);
    for (const image of g.images) expect((await objectStore().get(image.storageKey))?.length).toBe(image.bytes);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(92);
    await expectLedgerBalanced(db);
  });

  it("storage always fails: 1 provider call, failed with a message that says so, refunded", async () => {
    const { user, id } = await submitted("a lantern in the fog");
    const store = failingStore(Number.POSITIVE_INFINITY);
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, store, retry: FAST_RETRY });

    expect(result).toMatchObject({ kind: "settled", settle: { status: "FAILED", refundedCredits: 8 } });
    // Every image was tried again inside the attempt: 2 images x 4 tries.
    expect(store.failedPuts()).toBe(8);
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({
      status: "FAILED",
      providerCalls: 1,
      errorCode: "storage_failed",
      errorMessage: GENERATION_MESSAGES.storageFailed,
      chargedCredits: 0,
      refundedCredits: 8,
    });
    expect(g.errorMessage).toMatch(/could not be saved/);
    expect(g.images).toHaveLength(0);
    // A repeated job finds it settled and calls nobody.
    expect(await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, store })).toEqual({
      kind: "already_settled",
    });
    expect(fake.calls()).toBe(1);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["REFUND", 8],
    ]);
    expect(await balanceOf(db, user.id)).toBe(100);
    await expectLedgerBalanced(db);
  });

  it("keeps b64 images in the database while storage fails, and a later attempt stores them without a new call", async () => {
    const { user, id } = await submitted("a kite over dunes", { syncMode: "true" });
    // The first attempt: storage refuses the staging write, then hangs on the write that keeps
    // the image, as a worker that stops responding would.
    let hung = 0;
    const hanging: ObjectStore = {
      async put() {
        if (hung++ >= 2) return new Promise<void>(() => {});
        throw new Error("storage unavailable");
      },
      get: async () => null,
      delete: async () => {},
    };
    void runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, store: hanging, retry: FAST_RETRY }).catch(
      () => undefined,
    );
    const saved = await until(async () => {
      const row = await db.generation.findUniqueOrThrow({ where: { id } });
      return row.providerAnswer === null ? null : row;
    });
    expect(saved).toMatchObject({ status: "RUNNING", providerCalls: 1, attempts: 1 });
    expect(saved.providerRequestId).toMatch(/^fake-/);
    // One call (Seedream 4.0 takes num_images), its two images kept in the row.
    const answer = saved.providerAnswer as { calls: { images: { kind: string }[] }[] };
    expect(answer.calls.map((call) => call.images.map((i) => i.kind))).toEqual([["inline", "inline"]]);

    // The first run's lease runs out (it is stuck); the next attempt resumes from the saved answer.
    await db.generation.update({ where: { id }, data: { startedAt: new Date(Date.now() - 60_000) } });
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, retry: FAST_RETRY });
    expect(result).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 8 } });
    expect(fake.calls()).toBe(1);
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({ status: "COMPLETED", attempts: 2, providerCalls: 1, providerAnswer: null });
    for (const image of g.images) {
      expect(image.contentType).toBe("image/png");
      expect((await objectStore().get(image.storageKey))?.length).toBe(image.bytes);
    }
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(92);
    await expectLedgerBalanced(db);
  });
});

async function until<T>(probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}
