import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { beforeEach, describe, expect, it, vi } from "vitest";

// "Upscale" on an image and re-running an edit, through the real server actions, submit, ledger
// and lineage on PostgreSQL and files on disk. Only the session lookup (Auth.js reading a cookie)
// is replaced by "who is signed in".

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth", () => ({ currentUser: async () => session.user }));

process.env.STORAGE_DIR = mkdtempSync(path.join(os.tmpdir(), "atelier-upscale-"));

const { rerunAction, upscaleImageAction } = await import("../../app/(studio)/history/actions");
const { generationSettings } = await import("../../lib/generations/queries");
const { submitGeneration } = await import("../../lib/generations/submit");
const { UPSCALE_MODEL } = await import("../../lib/models");
const { madeFrom, usedIn } = await import("../../lib/references/lineage");
const { referenceFromImage } = await import("../../lib/references/store");
const { objectStore } = await import("../../lib/storage");
const { openTestJobs } = await import("../support/generations");
const { createUser, openTestDb } = await import("../support/db");
const { insertGeneratedImage } = await import("../support/history");

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);
const store = objectStore();

type User = { id: string; email: string | null };
const signInAs = (user: User | null) => {
  session.user = user ? { id: user.id, email: user.email ?? "" } : null;
};

/** One of the user's generations with one real stored PNG. */
async function generatedImage(user: User, background = "#c63") {
  const bytes = await sharp({ create: { width: 80, height: 60, channels: 3, background } })
    .png()
    .toBuffer();
  return insertGeneratedImage(db, store, user.id, { bytes, width: 80, height: 60 });
}

const balanceOf = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { creditBalance: true } })).creditBalance;

beforeEach(() => signInAs(null));

describe("Upscale", () => {
  it("submits the upscaler with the image as its one reference, charged once per press", async () => {
    const user = await createUser(db, { credits: 100 });
    const { generation: source, image } = await generatedImage(user);
    signInAs(user);
    const press = { imageId: image.id, resolution: "4k", scale: 70, idempotencyKey: "upscale-press-1" };
    const result = await upscaleImageAction(press);
    if (!result.ok) throw new Error(result.error.message);
    const upscale = await db.generation.findFirstOrThrow({ where: { id: result.data.generationId, userId: user.id } });
    const reference = await db.referenceImage.findFirstOrThrow({ where: { userId: user.id, imageId: image.id } });
    expect(upscale).toMatchObject({
      model: UPSCALE_MODEL.id,
      prompt: "",
      sizePreset: "4k",
      width: 4096,
      height: 4096,
      numImages: 1,
      upscaleScale: 70,
      referenceIds: [reference.id],
      status: "QUEUED",
      costCredits: UPSCALE_MODEL.creditsPerImage,
    });
    // Lineage: the upscale is made from the image, so the source's page says "Used in".
    expect(await madeFrom(db, { userId: user.id, generationId: upscale.id })).toEqual([
      {
        position: 0,
        reference: expect.objectContaining({ id: reference.id }),
        source: { generationId: source.id, imageIndex: 0 },
      },
    ]);
    // It has no prompt: the source's "Used in" names it by the model's label.
    expect(await usedIn(db, { userId: user.id, generationId: source.id })).toEqual([
      { generationId: upscale.id, title: UPSCALE_MODEL.label, createdAt: upscale.createdAt, imageIndexes: [0] },
    ]);
    expect(await balanceOf(user.id)).toBe(100 - UPSCALE_MODEL.creditsPerImage);

    // A double click (the same press) is the same generation, reserved once.
    expect(await upscaleImageAction(press)).toEqual(result);
    expect(await db.generation.count({ where: { userId: user.id, model: UPSCALE_MODEL.id } })).toBe(1);
    expect(await balanceOf(user.id)).toBe(100 - UPSCALE_MODEL.creditsPerImage);

    // Re-running an upscale (no seed to repeat) upscales the same image again with the same settings.
    await db.generation.update({ where: { id: upscale.id }, data: { status: "COMPLETED" } });
    const rerun = await rerunAction({ generationId: upscale.id, idempotencyKey: "rerun-upscale-1" });
    if (!rerun.ok) throw new Error(rerun.error.message);
    expect(await db.generation.findUniqueOrThrow({ where: { id: rerun.data.generationId } })).toMatchObject({
      model: UPSCALE_MODEL.id,
      sizePreset: "4k",
      upscaleScale: 70,
      referenceIds: [reference.id],
    });
    expect(await balanceOf(user.id)).toBe(100 - 2 * UPSCALE_MODEL.creditsPerImage);

    // Without a detail, the registry's default.
    const second = await upscaleImageAction({ imageId: image.id, resolution: "2k", idempotencyKey: "upscale-press-2" });
    if (!second.ok) throw new Error(second.error.message);
    expect(await db.generation.findUniqueOrThrow({ where: { id: second.data.generationId } })).toMatchObject({
      sizePreset: "2k",
      width: 2048,
      upscaleScale: UPSCALE_MODEL.upscaleScale?.default,
      referenceIds: [reference.id],
    });
  });

  it("refuses another user's image as not found, creating and charging nothing", async () => {
    const owner = await createUser(db, { credits: 100 });
    const other = await createUser(db, { credits: 100 });
    const { image } = await generatedImage(owner);
    signInAs(other);
    expect(
      await upscaleImageAction({ imageId: image.id, resolution: "2k", idempotencyKey: "upscale-hostile-1" }),
    ).toEqual({ ok: false, error: { code: "not_found", message: "That image is not in your history." } });
    expect(await db.referenceImage.count({ where: { OR: [{ userId: other.id }, { imageId: image.id }] } })).toBe(0);
    expect(await db.generation.count({ where: { userId: other.id } })).toBe(0);
    expect(await balanceOf(other.id)).toBe(100);
    signInAs(null);
    expect(
      await upscaleImageAction({ imageId: image.id, resolution: "2k", idempotencyKey: "upscale-hostile-2" }),
    ).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("says why when credits are short or a value is out of range, charging nothing", async () => {
    const user = await createUser(db, { credits: UPSCALE_MODEL.creditsPerImage - 1 });
    const { image } = await generatedImage(user);
    signInAs(user);
    expect(await upscaleImageAction({ imageId: image.id, resolution: "2k", idempotencyKey: "upscale-poor-1" })).toEqual(
      {
        ok: false,
        error: {
          code: "insufficient_credits",
          message: `This needs ${UPSCALE_MODEL.creditsPerImage} credits and your balance is ${UPSCALE_MODEL.creditsPerImage - 1}. Buy credits or make fewer images.`,
        },
      },
    );
    expect(
      await upscaleImageAction({ imageId: image.id, resolution: "8k", idempotencyKey: "upscale-poor-2" }),
    ).toMatchObject({ ok: false, error: { code: "invalid_input", message: "Choose 2K or 4K." } });
    expect(
      await upscaleImageAction({ imageId: image.id, resolution: "2k", scale: 101, idempotencyKey: "upscale-poor-3" }),
    ).toMatchObject({
      ok: false,
      error: { code: "invalid_input", message: "The detail must be a whole number from 0 to 100." },
    });
    expect(await db.generation.count({ where: { userId: user.id, model: UPSCALE_MODEL.id } })).toBe(0);
    expect(await balanceOf(user.id)).toBe(UPSCALE_MODEL.creditsPerImage - 1);
  });
});

describe("re-running an edit", () => {
  it("sends the same references in the same order and records the same lineage; Reuse settings has them too", async () => {
    const user = await createUser(db, { credits: 100 });
    const ids: string[] = [];
    for (const background of ["#c63", "#36c"]) {
      const { image } = await generatedImage(user, background);
      const outcome = await referenceFromImage(db, store, { userId: user.id, imageId: image.id });
      if (!outcome?.ok) throw new Error("no reference");
      ids.push(outcome.reference.id);
    }
    const referenceIds = [ids[1] ?? "", ids[0] ?? ""];
    const submitted = await submitGeneration({
      userId: user.id,
      idempotencyKey: "edit-press-1",
      input: { model: "bytedance/seedream-v4-edit", prompt: "swap their colours", referenceIds, seed: 42 },
    });
    if (!submitted.ok) throw new Error(submitted.code);
    const edit = submitted.generation;
    await db.generation.update({ where: { id: edit.id }, data: { status: "COMPLETED", seedUsed: 42n } });
    const lineage = async (generationId: string) =>
      (await madeFrom(db, { userId: user.id, generationId })).map((m) => [m.position, m.reference.id, m.source]);

    expect((await generationSettings({ userId: user.id, generationId: edit.id }))?.referenceIds).toEqual(referenceIds);

    signInAs(user);
    const rerun = await rerunAction({ generationId: edit.id, idempotencyKey: "rerun-press-1" });
    if (!rerun.ok) throw new Error(rerun.error.message);
    expect(await db.generation.findUniqueOrThrow({ where: { id: rerun.data.generationId } })).toMatchObject({
      model: "bytedance/seedream-v4-edit",
      prompt: "swap their colours",
      seedRequested: 42,
      referenceIds,
    });
    expect(await lineage(rerun.data.generationId)).toEqual(await lineage(edit.id));
    expect((await lineage(edit.id)).map(([, id]) => id)).toEqual(referenceIds);
  });
});
