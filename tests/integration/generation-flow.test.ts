import { describe, expect, it } from "vitest";
import { generationSettings, generationViews, recentGenerations } from "../../lib/generations/queries";
import { LeaseHeldError, runGeneration } from "../../lib/generations/run";
import { submitGeneration } from "../../lib/generations/submit";
import { sweepExpiredGenerations } from "../../lib/generations/sweep";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { objectStore } from "../../lib/storage";
import { imageKey } from "../../lib/storage/types";
import { createDemoSource } from "../../lib/upstream/demo-source";
import { createUser, openTestDb } from "../support/db";
import {
  balanceOf,
  expectLedgerBalanced,
  movementsOf,
  newKey,
  openTestJobs,
  waitForSettled,
} from "../support/generations";

// The flow end to end on the demo source (no AIML_API_KEY here): submit -> durable job -> images
// stored -> credits settled. Upstream failure classes are in generation-upstream.test.ts.

const testDb = await openTestDb({ max: 20 });
const { db } = testDb;

openTestJobs(testDb, { attemptSeconds: 30 });

const input = (extra: Record<string, unknown> = {}) => ({
  prompt: "a lighthouse at dusk, oil on canvas",
  sizePreset: "square",
  numImages: 2,
  seed: 42,
  ...extra,
});

describe("submitting a generation", () => {
  it("reserves the cost and queues the generation with all its parameters in one step", async () => {
    const user = await createUser(db, { credits: 40 });
    const result = await submitGeneration({
      userId: user.id,
      input: input({ sizePreset: "custom", width: "1536", height: "1024", enableSafetyChecker: "false" }),
      idempotencyKey: newKey(),
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.created).toBe(true);
    const g = result.generation;
    expect(g).toMatchObject({
      status: "QUEUED",
      source: "DEMO",
      prompt: "a lighthouse at dusk, oil on canvas",
      sizePreset: null,
      width: 1536,
      height: 1024,
      aspect: "3:2",
      numImages: 2,
      seedRequested: 42,
      enableSafetyChecker: false,
      costCredits: 8,
    });
    expect(g.deadlineAt.getTime() - Date.now()).toBeGreaterThan(500_000);
    expect(await balanceOf(db, user.id)).toBe(32);
    expect(await movementsOf(db, g.id)).toEqual([["RESERVE", -8]]);
    await expectLedgerBalanced(db);
  });

  it("refuses invalid input before any credit moves", async () => {
    const user = await createUser(db, { credits: 40 });
    const result = await submitGeneration({
      userId: user.id,
      input: input({ prompt: "x".repeat(4001) }),
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({ ok: false, code: "invalid_input" });
    if (result.ok || result.code !== "invalid_input") throw new Error("expected invalid_input");
    expect(result.fields.prompt).toMatch(/at most 4000/);
    const bad = await submitGeneration({
      userId: user.id,
      input: input({ sizePreset: "custom", width: 800, height: 1024 }),
      idempotencyKey: newKey(),
    });
    expect(bad).toMatchObject({ ok: false, code: "invalid_input" });
    expect(await balanceOf(db, user.id)).toBe(40);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("counts the prompt in UTF-16 units: 2000 emoji fit, 2001 do not, before any credit moves", async () => {
    const user = await createUser(db, { credits: 40 });
    const tooLong = await submitGeneration({
      userId: user.id,
      input: input({ prompt: "🎨".repeat(2001) }),
      idempotencyKey: newKey(),
    });
    if (tooLong.ok || tooLong.code !== "invalid_input") throw new Error("expected invalid_input");
    expect(tooLong.fields.prompt).toMatch(/at most 4000 characters \(this one counts 4002/);
    expect(await balanceOf(db, user.id)).toBe(40);
    const fits = await submitGeneration({
      userId: user.id,
      input: input({ prompt: "🎨".repeat(2000) }),
      idempotencyKey: newKey(),
    });
    expect(fits).toMatchObject({ ok: true });
    expect(await balanceOf(db, user.id)).toBe(32);
  });

  it.each([
    ["a NUL byte", "a lighthouse\u0000 at dusk"],
    ["an escape character", "a lighthouse \u001b[31m at dusk"],
    ["a C1 control", "a lighthouse \u0085 at dusk"],
  ])("refuses a prompt with %s as a field error, before anything is written", async (_, prompt) => {
    const user = await createUser(db, { credits: 40 });
    const result = await submitGeneration({ userId: user.id, input: input({ prompt }), idempotencyKey: newKey() });
    if (result.ok || result.code !== "invalid_input") throw new Error(`expected invalid_input, got ${result.ok}`);
    expect(result.fields.prompt).toMatch(/control character/);
    expect(await balanceOf(db, user.id)).toBe(40);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("keeps newlines and tabs in a prompt (a Windows line break becomes a newline)", async () => {
    const user = await createUser(db, { credits: 40 });
    const result = await submitGeneration({
      userId: user.id,
      input: input({ prompt: "a lighthouse\r\nat dusk\n\twarm light" }),
      idempotencyKey: newKey(),
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.generation.prompt).toBe("a lighthouse\nat dusk\n\twarm light");
  });

  it("with SAFETY_CHECKER=enforced stores the checker on whatever the form sent; user-choice keeps the choice", async () => {
    const user = await createUser(db, { credits: 40 });
    const off = input({ enableSafetyChecker: "false" });
    const enforced = await submitGeneration({
      userId: user.id,
      input: off,
      idempotencyKey: newKey(),
      safetyChecker: "enforced",
    });
    if (!enforced.ok) throw new Error(enforced.message);
    expect(enforced.generation.enableSafetyChecker).toBe(true);
    const choice = await submitGeneration({
      userId: user.id,
      input: off,
      idempotencyKey: newKey(),
      safetyChecker: "user-choice",
    });
    if (!choice.ok) throw new Error(choice.message);
    expect(choice.generation.enableSafetyChecker).toBe(false);
  });

  it("refuses a user without enough credits with the balance and the cost", async () => {
    const user = await createUser(db, { credits: 7 });
    const result = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    expect(result).toMatchObject({ ok: false, code: "insufficient_credits", balance: 7, cost: 8 });
    expect(await balanceOf(db, user.id)).toBe(7);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
    await expectLedgerBalanced(db);
  });

  it("refuses while a card dispute has locked spending", async () => {
    const user = await createUser(db, { credits: 40 });
    await db.user.update({ where: { id: user.id }, data: { spendingLocked: true } });
    const result = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    expect(result).toMatchObject({ ok: false, code: "spending_locked" });
    if (result.ok) throw new Error("expected a refusal");
    expect(result.message).toMatch(/dispute/);
    expect(await balanceOf(db, user.id)).toBe(40);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("creates one generation for a double click or a retried submit (same key)", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => submitGeneration({ userId: user.id, input: input(), idempotencyKey: key })),
    );
    const ids = new Set(results.map((r) => (r.ok ? r.generation.id : r.code)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    const again = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: key });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(32);
    await expectLedgerBalanced(db);
  });
});

describe("running a generation", () => {
  it("settles a job that runs twice at once exactly once", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    const source = createDemoSource({ durationMs: 200 });
    const runs = await Promise.allSettled([
      runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source }),
      runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source }),
    ]);
    const settled = runs.filter((r) => r.status === "fulfilled" && r.value.kind === "settled");
    expect(settled).toHaveLength(1);
    const other = runs.find((r) => !(r.status === "fulfilled" && r.value.kind === "settled"));
    // The second run either found the lease held (and would be retried later) or the work done.
    if (other?.status === "rejected") expect(String(other.reason)).toMatch(/held by another run/);
    else expect(other?.status === "fulfilled" && other.value.kind).toBe("already_settled");
    // A late third run (a retried job) finds it settled and changes nothing.
    expect(await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source })).toEqual({
      kind: "already_settled",
    });
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({ status: "COMPLETED", chargedCredits: 8, refundedCredits: 0, attempts: 1 });
    expect(g.seedUsed).toBe(42n);
    expect(g.images).toHaveLength(2);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(32);
    await expectLedgerBalanced(db);
  });

  it("tells a run that finds a live lease when that lease ends", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    const startedAt = new Date();
    await db.generation.update({ where: { id }, data: { status: "RUNNING", attempts: 1, startedAt } });
    const attempt = runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source: createDemoSource() });
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    const error = await attempt.catch((e: unknown) => e);
    if (!(error instanceof LeaseHeldError)) throw new Error("expected LeaseHeldError");
    expect(error.leaseEndsAt.getTime() - startedAt.getTime()).toBeGreaterThanOrEqual(30_000);
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RUNNING", attempts: 1 });
  });

  it("gives an unexpected failure back to the queue, and refunds it on the last attempt", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    // Not an upstream failure class: a bug in the source, like a database error, is unexpected.
    const source = {
      kind: "DEMO" as const,
      generate: async () => {
        throw new TypeError("a bug");
      },
    };
    await expect(runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source })).rejects.toThrow(/a bug/);
    // Released at once: the retry need not wait for the lease to run out.
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(await balanceOf(db, user.id)).toBe(32);

    const last = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: true, source });
    expect(last).toMatchObject({ kind: "settled", settle: { status: "FAILED", refundedCredits: 8 } });
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "FAILED",
      errorCode: "internal",
      attempts: 2,
      providerCalls: 2,
    });
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["REFUND", 8],
    ]);
    expect(await balanceOf(db, user.id)).toBe(40);
    await expectLedgerBalanced(db);
  });

  it("lets a run that lost its lease mid-call settle nothing, leaving the generation to the newer run", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    const demo = createDemoSource({ durationMs: 0 });
    const slowAndOverTaken = {
      kind: "DEMO" as const,
      async generate(...args: Parameters<typeof demo.generate>) {
        // While this run waits on the upstream, its lease runs out and another run claims it.
        await db.generation.update({ where: { id }, data: { attempts: { increment: 1 }, startedAt: new Date() } });
        return demo.generate(...args);
      },
    };
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, source: slowAndOverTaken });
    expect(result).toEqual({ kind: "superseded" });
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RUNNING", attempts: 2 });
    expect(await db.image.count({ where: { generationId: id } })).toBe(0);
    expect(await movementsOf(db, id)).toEqual([["RESERVE", -8]]);
    await expectLedgerBalanced(db);
  });

  it("refunds past the deadline exactly once, even against a late run", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    await db.generation.update({ where: { id }, data: { deadlineAt: new Date(Date.now() - 1000) } });
    const [a, b] = await Promise.all([sweepExpiredGenerations(db), sweepExpiredGenerations(db)]);
    expect([...(a?.refunded ?? []), ...(b?.refunded ?? [])].filter((x) => x === id)).toHaveLength(1);
    const late = await runGeneration(db, id, {
      attemptSeconds: 30,
      lastAttempt: false,
      source: createDemoSource({ durationMs: 0 }),
    });
    expect(late).toEqual({ kind: "already_settled" });
    const g = await db.generation.findUniqueOrThrow({ where: { id } });
    expect(g).toMatchObject({
      status: "FAILED",
      errorCode: "deadline_exceeded",
      chargedCredits: 0,
      refundedCredits: 8,
    });
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["REFUND", 8],
    ]);
    expect(await balanceOf(db, user.id)).toBe(40);
    await expectLedgerBalanced(db);
  });

  it("removes the files a dead run's saved answer points at when the deadline refunds it", async () => {
    const user = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: user.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    // A run answered, wrote the image where the original would stay, saved the answer, and died.
    const key = imageKey(user.id, id, 0, "png");
    await objectStore().put(key, Buffer.from("saved image bytes"), "image/png");
    await db.generation.update({
      where: { id },
      data: {
        status: "RUNNING",
        attempts: 1,
        startedAt: new Date(),
        deadlineAt: new Date(Date.now() - 1000),
        providerAnswer: { calls: [{ images: [{ kind: "stored", key }] }] },
      },
    });
    expect((await sweepExpiredGenerations(db)).refunded).toContain(id);
    expect(await objectStore().get(key)).toBeNull();
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "FAILED",
      providerAnswer: null,
      refundedCredits: 8,
    });
    expect(await balanceOf(db, user.id)).toBe(40);
    await expectLedgerBalanced(db);
  });

  it("runs queued generations through the durable queue and keeps the images", async () => {
    await startGenerationWorkers({ concurrency: 2 });
    const user = await createUser(db, { credits: 40 });
    const results = await Promise.all(
      [1, 3].map((n) =>
        submitGeneration({ userId: user.id, input: input({ numImages: n, seed: "" }), idempotencyKey: newKey() }),
      ),
    );
    const ids = results.map((r) => {
      if (!r.ok) throw new Error(r.message);
      return r.generation.id;
    });
    expect(await balanceOf(db, user.id)).toBe(24);
    for (const id of ids) {
      const g = await waitForSettled(db, id);
      expect(g.status).toBe("COMPLETED");
      expect(g.images).toHaveLength(g.numImages);
      expect(g.seedUsed).not.toBeNull();
      expect(g.startedAt).not.toBeNull();
      expect(g.upstreamMs).toBeGreaterThan(0);
      for (const image of g.images) {
        expect(image).toMatchObject({ contentType: "image/png", width: 1024, height: 1024 });
        const bytes = await objectStore().get(image.storageKey);
        expect(bytes?.length).toBe(image.bytes);
      }
    }
    expect(await balanceOf(db, user.id)).toBe(24);
    await expectLedgerBalanced(db);
  });
});

describe("what the studio page reads", () => {
  it("shows a user only their own generations, without storage keys, and their settings for reuse", async () => {
    const owner = await createUser(db, { credits: 40 });
    const other = await createUser(db, { credits: 40 });
    const submitted = await submitGeneration({ userId: owner.id, input: input(), idempotencyKey: newKey() });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;
    await runGeneration(db, id, {
      attemptSeconds: 30,
      lastAttempt: false,
      source: createDemoSource({ durationMs: 0 }),
    });

    const [view] = await generationViews({ userId: owner.id, ids: [id] });
    expect(view).toMatchObject({ id, status: "COMPLETED", source: "DEMO", chargedCredits: 8, seedUsed: "42" });
    expect(view?.images).toHaveLength(2);
    // No thumbnail yet (the derivatives job has not run): the original, scaled by the browser.
    expect(view?.images[0]?.thumbUrl).toMatch(/^\/api\/images\/[a-z0-9]+$/);
    expect(view?.images[0]?.downloadUrl).toMatch(/\?download=1$/);
    const stored = await db.image.findMany({ where: { generationId: id } });
    for (const image of stored) expect(JSON.stringify(view)).not.toContain(image.storageKey);
    expect((await recentGenerations({ userId: owner.id })).map((g) => g.id)).toContain(id);

    expect(await generationViews({ userId: other.id, ids: [id] })).toEqual([]);
    expect(await recentGenerations({ userId: other.id })).toEqual([]);
    expect(await generationSettings({ userId: other.id, generationId: id })).toBeNull();
    expect(await generationSettings({ userId: owner.id, generationId: id })).toEqual({
      model: "bytedance/seedream-v4-text-to-image",
      prompt: "a lighthouse at dusk, oil on canvas",
      sizePreset: "square",
      width: 1024,
      height: 1024,
      numImages: 2,
      seed: 42,
      enableSafetyChecker: true,
      syncMode: false,
      upscaleScale: null,
      referenceIds: [],
    });
    expect(view?.settings).toEqual(await generationSettings({ userId: owner.id, generationId: id }));
  });
});
