import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { parseSavedAnswer } from "../../lib/generations/answer";
import { GENERATION_MESSAGES } from "../../lib/generations/messages";
import { runGeneration } from "../../lib/generations/run";
import { submitGeneration } from "../../lib/generations/submit";
import { madeFrom } from "../../lib/references/lineage";
import { storeReference } from "../../lib/references/store";
import { objectStore } from "../../lib/storage";
import { createUser, openTestDb } from "../support/db";
import { balanceOf, expectLedgerBalanced, movementsOf, newKey, openTestJobs } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// Models of the registry through the real flow (submit -> run -> AI/ML client -> the fake upstream,
// which speaks each model's contract and counts its calls -> settle). Seedream 4.5 takes no
// `num_images`: N images are N calls, each settled on its own and each saved as it answers, so a
// resumed attempt makes only the calls that never answered (issue 13's guarantee, per call).

const fake = await openTestUpstream({ maxRetries: 0 });

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 30 });

const NEXT = "bytedance/seedream-4-5";
const EDIT = "bytedance/seedream-v4-edit";
const NEXT_PRICE = 6;

async function submitted(input: Record<string, unknown>, owner?: { id: string }) {
  const user = owner ?? (await createUser(db, { credits: 100 }));
  const result = await submitGeneration({ userId: user.id, input, idempotencyKey: newKey() });
  if (!result.ok) throw new Error(result.message);
  fake.resetCalls();
  return { user, id: result.generation.id };
}

/** A reference image stored for the user as an upload is, and the data URL it is sent as (it fits as stored). */
async function storedReference(userId: string, background: string) {
  const bytes = await sharp({ create: { width: 24, height: 24, channels: 3, background } })
    .png()
    .toBuffer();
  const stored = await storeReference(db, objectStore(), { userId, bytes });
  if (!stored.ok) throw new Error(stored.message);
  return { id: stored.reference.id, dataUrl: `data:image/png;base64,${bytes.toString("base64")}` };
}

type SentBody = { model: string; seed?: number; num_images?: number; image_urls?: string[] };
const sentBodies = () => fake.requests().map((r) => r.body as SentBody);

describe("a model without num_images: one call per image", () => {
  it("4 images on Seedream 4.5 are 4 calls, each without num_images, with seeds seed..seed+3", async () => {
    const { user, id } = await submitted({ model: NEXT, prompt: "four herons", numImages: 4, seed: 20 });
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });

    expect(result).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 4 * NEXT_PRICE } });
    expect(fake.calls()).toBe(4);
    const bodies = sentBodies();
    expect(bodies.every((b) => b.model === NEXT && !("num_images" in b))).toBe(true);
    expect(bodies.map((b) => b.seed).sort()).toEqual([20, 21, 22, 23]);
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({ providerCalls: 4, seedUsed: 20n, tokensUsed: 4 * 84_000, errorMessage: null });
    expect(g.images.map((i) => i.index).sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(g.images.map((i) => i.sha256)).size).toBe(4);
    expect(await balanceOf(db, user.id)).toBe(100 - 4 * NEXT_PRICE);
    await expectLedgerBalanced(db);
  });

  it("one failing call of 4 refunds exactly one image's price", async () => {
    // The first call with this prompt is refused (400, not retried); the other three answer.
    const { user, id } = await submitted({ model: NEXT, prompt: "[[fail-once:400]] four owls", numImages: 4 });
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });

    expect(result).toMatchObject({
      kind: "settled",
      settle: { status: "COMPLETED", chargedCredits: 3 * NEXT_PRICE, refundedCredits: NEXT_PRICE },
    });
    expect(fake.calls()).toBe(4);
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g.images).toHaveLength(3);
    expect(g).toMatchObject({
      providerCalls: 4,
      errorCode: "invalid_request",
      errorMessage: GENERATION_MESSAGES.fewerImages(3, 4),
    });
    expect(GENERATION_MESSAGES.partialDelivery(g.images.length, g.numImages)).toBe("3 of 4 images, 1 refunded");
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -4 * NEXT_PRICE],
      ["SETTLE", NEXT_PRICE],
    ]);
    expect(await balanceOf(db, user.id)).toBe(100 - 3 * NEXT_PRICE);
    await expectLedgerBalanced(db);
  });

  it("stopped after 2 of 4 calls answered, the resumed attempt makes exactly the 2 missing calls", async () => {
    // Calls 3 and 4 with this prompt never answer; later ones do.
    const prompt = "[[hang-calls:3,4]] four cranes";
    const { user, id } = await submitted({ model: NEXT, prompt, numImages: 4 });
    const shutdown = new AbortController();
    const first = runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false, shutdown: shutdown.signal });
    // Wait until two answers are saved, then stop the worker (as a SIGTERM's grace running out does).
    for (let i = 0; ; i++) {
      const row = await db.generation.findUniqueOrThrow({ where: { id }, select: { providerAnswer: true } });
      const calls = (row.providerAnswer as { calls?: unknown[] } | null)?.calls ?? [];
      if (calls.filter((c) => c !== null).length === 2) break;
      if (i > 200) throw new Error("two answers were never saved");
      await new Promise((r) => setTimeout(r, 50));
    }
    shutdown.abort(new Error("shutting down"));
    expect(await first).toEqual({ kind: "handed_back" });
    expect(fake.calls()).toBe(4);
    const between = await db.generation.findUniqueOrThrow({ where: { id } });
    expect(between).toMatchObject({ status: "QUEUED", providerCalls: 4 });

    const second = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });
    expect(second).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 4 * NEXT_PRICE } });
    expect(fake.calls()).toBe(6); // exactly 2 more
    // The two new calls are the two that never answered: their seeds, not the answered ones'.
    const seeds = sentBodies().map((b) => b.seed);
    expect(new Set(seeds.slice(4)).size).toBe(2);
    expect(seeds.slice(4).sort()).toEqual(seeds.slice(2, 4).sort());
    const g = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(g).toMatchObject({ providerCalls: 6, attempts: 2, providerAnswer: null });
    expect(g.images).toHaveLength(4);
    expect(await balanceOf(db, user.id)).toBe(100 - 4 * NEXT_PRICE);
    await expectLedgerBalanced(db);
  });

  it("without a seed asked, records the generation's seed so that re-running makes the same 4 images", async () => {
    const { id } = await submitted({ model: NEXT, prompt: "four swans", numImages: 4 });
    await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });
    const g = await db.generation.findUniqueOrThrow({ where: { id } });
    const seeds = sentBodies()
      .map((b) => b.seed ?? 0)
      .sort((a, b) => a - b);
    expect(g.seedUsed).toBe(BigInt(seeds[0] ?? -1));
    expect(seeds).toEqual([0, 1, 2, 3].map((i) => (seeds[0] ?? 0) + i));
  });
});

describe("saved answers", () => {
  it("reads one saved before the registry (one call's images) as that call's, and refuses a wrong call count", () => {
    const legacy = { images: [{ kind: "url", url: "https://cdn.example/a.png" }] };
    expect(parseSavedAnswer(legacy, 1)).toEqual({ calls: [legacy] });
    expect(parseSavedAnswer({ calls: [null, { failed: { code: "network", message: "m" } }] }, 2)).toEqual({
      calls: [null, { failed: { code: "network", message: "m" } }],
    });
    expect(parseSavedAnswer({ calls: [null] }, 4)).toBeNull();
    expect(parseSavedAnswer(null, 1)).toBeNull();
  });
});

describe("reference images through the flow", () => {
  it("an edit with 3 references sends their 3 data URLs, in order, and records what it was made from", async () => {
    const user = await createUser(db, { credits: 100 });
    const [r1, r2, r3] = await Promise.all(
      ["#ff0000", "#00ff00", "#0000ff"].map((colour) => storedReference(user.id, colour)),
    );
    if (!r1 || !r2 || !r3) throw new Error("references not stored");
    const { id } = await submitted(
      { model: EDIT, prompt: "combine them", referenceIds: [r3.id, r1.id, r2.id], numImages: 2 },
      user,
    );
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });
    expect(result).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 8 } });
    expect(fake.calls()).toBe(1);
    expect(sentBodies()[0]).toMatchObject({
      model: EDIT,
      num_images: 2,
      image_urls: [r3.dataUrl, r1.dataUrl, r2.dataUrl],
    });
    const lineage = await madeFrom(db, { userId: user.id, generationId: id });
    expect(lineage.map((item) => item.reference.id)).toEqual([r3.id, r1.id, r2.id]);
  });

  it("a reference whose file is gone refunds the generation without calling the model", async () => {
    const user = await createUser(db, { credits: 100 });
    const reference = await storedReference(user.id, "#123456");
    const { id } = await submitted({ model: EDIT, prompt: "combine", referenceIds: [reference.id] }, user);
    const row = await db.referenceImage.findUniqueOrThrow({ where: { id: reference.id } });
    await objectStore().delete([row.storageKey]);
    const result = await runGeneration(db, id, { attemptSeconds: 30, lastAttempt: false });
    expect(result).toMatchObject({ kind: "settled", settle: { status: "FAILED", refundedCredits: 4 } });
    expect(fake.calls()).toBe(0);
    const g = await db.generation.findUniqueOrThrow({ where: { id } });
    expect(g).toMatchObject({
      providerCalls: 0,
      errorCode: "reference_unavailable",
      errorMessage: GENERATION_MESSAGES.referenceUnavailable,
    });
    expect(await balanceOf(db, user.id)).toBe(100);
  });

  it("another user's reference is refused at submit: nothing recorded, nothing charged", async () => {
    const owner = await createUser(db, { credits: 100 });
    const theirs = await storedReference(owner.id, "#abcdef");
    const user = await createUser(db, { credits: 100 });
    const result = await submitGeneration({
      userId: user.id,
      input: { model: EDIT, prompt: "borrowed", referenceIds: [theirs.id] },
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_input",
      fields: { referenceIds: expect.stringMatching(/no longer available/) },
    });
    expect(await balanceOf(db, user.id)).toBe(100);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("an 11th reference is refused at submit with a clear message, before anything is charged", async () => {
    const user = await createUser(db, { credits: 100 });
    const ids = Array.from({ length: 11 }, (_, i) => `r${i}`);
    const result = await submitGeneration({
      userId: user.id,
      input: { model: EDIT, prompt: "too many", referenceIds: ids },
      idempotencyKey: newKey(),
    });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_input",
      message: "Seedream 4.0 Edit takes at most 10 reference images; you gave 11.",
      fields: { referenceIds: "Seedream 4.0 Edit takes at most 10 reference images; you gave 11." },
    });
    expect(await balanceOf(db, user.id)).toBe(100);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });
});
