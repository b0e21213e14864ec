import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";

// A disk store of this file's own: objectStore() reads STORAGE_DIR on first use.
const storageDir = mkdtempSync(path.join(os.tmpdir(), "atelier-history-"));
process.env.STORAGE_DIR = storageDir;

const { GET: shareImage } = await import("../../app/s/[token]/image/[index]/route");
const { applyMovement, findLedgerMismatches } = await import("../../lib/credits/ledger");
const { deleteGenerations, setFavorite } = await import("../../lib/history/commands");
const { listGenerations } = await import("../../lib/history/queries");
const { createShareLink, hashShareToken, listShareLinks, resolveShareToken, revokeShareLink } = await import(
  "../../lib/history/share"
);
const { zipEntries, zipStream } = await import("../../lib/history/zip");
const { rerunGeneration } = await import("../../lib/history/rerun");
const { generationSettings } = await import("../../lib/generations/queries");
const { reproducibleSeed } = await import("../../lib/generations/settings");
const { toGenerationView } = await import("../../lib/generations/view");
const { objectStore } = await import("../../lib/storage");
const { openTestJobs } = await import("../support/generations");
const { createUser, openTestDb } = await import("../support/db");
const { insertGeneration, insertImages } = await import("../support/history");

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);
const stored = (key: string) => existsSync(path.join(storageDir, ...key.split("/")));

async function completedWithImages(userId: string, count = 2, prompt?: string) {
  const generation = await insertGeneration(db, userId, { numImages: count, ...(prompt ? { prompt } : {}) });
  const images = await insertImages(db, generation, count, objectStore());
  return { generation, images };
}

describe("favourites", () => {
  it("marks and unmarks several generations at once and filters on them", async () => {
    const user = await createUser(db);
    const a = await insertGeneration(db, user.id);
    const b = await insertGeneration(db, user.id);
    await insertGeneration(db, user.id);
    expect(await setFavorite({ userId: user.id, ids: [a.id, b.id], favorite: true })).toEqual({ updated: 2 });
    const favourites = await listGenerations({ userId: user.id, filters: { favorites: true } });
    expect(favourites.items.map((g) => g.id).sort()).toEqual([a.id, b.id].sort());
    await setFavorite({ userId: user.id, ids: [a.id], favorite: false });
    const after = await listGenerations({ userId: user.id, filters: { favorites: true } });
    expect(after.items.map((g) => g.id)).toEqual([b.id]);
  });
});

describe("deleting generations", () => {
  it("removes the stored files and the rows, and leaves credits and the ledger alone", async () => {
    const user = await createUser(db, { credits: 30 });
    const { generation, images } = await completedWithImages(user.id, 2);
    await applyMovement(db, {
      userId: user.id,
      kind: "ADJUSTMENT",
      amount: -6,
      idempotencyKey: `spend:${generation.id}`,
      reason: "Generation",
      generationId: generation.id,
    });
    await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "never" });
    const keys = images.flatMap((i) => [i.storageKey, i.thumbKey ?? "missing thumbnail"]);
    expect(keys.every(stored)).toBe(true);

    const outcome = await deleteGenerations({ userId: user.id, ids: [generation.id] });

    expect(outcome).toEqual({ deleted: [generation.id], inProgress: [], notFound: 0 });
    expect(keys.some(stored)).toBe(false);
    expect(await db.generation.findUnique({ where: { id: generation.id } })).toBeNull();
    expect(await db.image.count({ where: { generationId: generation.id } })).toBe(0);
    expect(await db.shareLink.count({ where: { generationId: generation.id } })).toBe(0);
    const movement = await db.creditMovement.findUniqueOrThrow({ where: { idempotencyKey: `spend:${generation.id}` } });
    expect(movement.generationId).toBe(generation.id);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).creditBalance).toBe(24);
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("keeps generations that are still queued or running", async () => {
    const user = await createUser(db);
    const running = await insertGeneration(db, user.id, { status: "RUNNING" });
    const queued = await insertGeneration(db, user.id, { status: "QUEUED" });
    const failed = await insertGeneration(db, user.id, { status: "FAILED" });
    const outcome = await deleteGenerations({ userId: user.id, ids: [running.id, queued.id, failed.id, "nope"] });
    expect(outcome.deleted).toEqual([failed.id]);
    expect(outcome.inProgress.sort()).toEqual([running.id, queued.id].sort());
    expect(outcome.notFound).toBe(1);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(2);
  });
});

describe("zip download", () => {
  it("streams the originals of the selected generations, one file per image", async () => {
    const user = await createUser(db);
    const one = await completedWithImages(user.id, 2, "A fox in the snow!");
    const two = await completedWithImages(user.id, 1, "Owl");
    const entries = await zipEntries({ userId: user.id, generationIds: [one.generation.id, two.generation.id] });
    const bytes = new Uint8Array(await new Response(zipStream(entries)).arrayBuffer());
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(
      [
        `a-fox-in-the-snow-${one.generation.id}-1.png`,
        `a-fox-in-the-snow-${one.generation.id}-2.png`,
        `owl-${two.generation.id}-1.png`,
      ].sort(),
    );
    const original = await objectStore().get(one.images[1]?.storageKey ?? "");
    expect(
      Buffer.from(files[`a-fox-in-the-snow-${one.generation.id}-2.png`] ?? []).equals(original ?? Buffer.alloc(1)),
    ).toBe(true);
  });
});

describe("share links", () => {
  const imageRequest = (token: string, index: number, variant = "") =>
    shareImage(new Request(`http://localhost/s/${token}/image/${index}${variant}`), {
      params: Promise.resolve({ token, index: String(index) }),
    });

  it("stores only a hash of an unguessable token and opens the images and prompt with it", async () => {
    const user = await createUser(db);
    const { generation, images } = await completedWithImages(user.id, 2, "Lighthouse at dusk");
    const created = await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "never" });
    if (!created.ok) throw new Error(created.code);
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: created.link.id } });
    expect(row.tokenHash).toBe(hashShareToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);

    const shared = await resolveShareToken({ token: created.token });
    expect(shared).toMatchObject({ id: generation.id, prompt: "Lighthouse at dusk" });
    expect(shared?.images.map((i) => i.index)).toEqual([0, 1]);

    const response = await imageRequest(created.token, 1);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe(`png bytes of ${generation.id}/1`);
    const thumb = await imageRequest(created.token, 0, "?variant=thumb");
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect((await imageRequest(created.token, 2)).status).toBe(404);
    expect(images).toHaveLength(2);
  });

  it("stops working the moment it is revoked", async () => {
    const user = await createUser(db);
    const { generation } = await completedWithImages(user.id, 1);
    const created = await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "7d" });
    if (!created.ok) throw new Error(created.code);
    expect((await imageRequest(created.token, 0)).status).toBe(200);
    expect(await revokeShareLink({ userId: user.id, id: created.link.id })).toBe(true);
    expect(await resolveShareToken({ token: created.token })).toBeNull();
    expect((await imageRequest(created.token, 0)).status).toBe(404);
    expect(await revokeShareLink({ userId: user.id, id: created.link.id })).toBe(false);
    const [listed] = await listShareLinks({ userId: user.id, generationId: generation.id });
    expect(listed?.revokedAt).toBeInstanceOf(Date);
  });

  it("expires after the chosen time, and never when none was chosen", async () => {
    const user = await createUser(db);
    const { generation } = await completedWithImages(user.id, 1);
    const now = new Date();
    const day = await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "1d", now });
    const forever = await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "never", now });
    if (!day.ok || !forever.ok) throw new Error("not created");
    expect(day.link.expiresAt?.getTime()).toBe(now.getTime() + 86_400_000);
    expect(forever.link.expiresAt).toBeNull();
    const later = new Date(now.getTime() + 86_400_000 + 1);
    expect(await resolveShareToken({ token: day.token, now: new Date(now.getTime() + 86_399_000) })).not.toBeNull();
    expect(await resolveShareToken({ token: day.token, now: later })).toBeNull();
    expect(
      await resolveShareToken({ token: forever.token, now: new Date(now.getTime() + 3650 * 86_400_000) }),
    ).not.toBeNull();
    // An expired link no longer counts against the limit of live links.
    const expired = await createShareLink({
      userId: user.id,
      generationId: generation.id,
      expiresIn: "1d",
      now: new Date(now.getTime() - 2 * 86_400_000),
    });
    if (!expired.ok) throw new Error(expired.code);
    expect(await resolveShareToken({ token: expired.token })).toBeNull();
    expect((await imageRequest(expired.token, 0)).status).toBe(404);
  });

  it("refuses generations without images, malformed and unknown tokens", async () => {
    const user = await createUser(db);
    const failed = await insertGeneration(db, user.id, { status: "FAILED" });
    expect(await createShareLink({ userId: user.id, generationId: failed.id, expiresIn: "never" })).toEqual({
      ok: false,
      code: "not_shareable",
    });
    for (const token of ["", "short", "x".repeat(43), `${"A".repeat(42)}=`, "../../etc/passwd"]) {
      expect(await resolveShareToken({ token })).toBeNull();
    }
    expect((await imageRequest("x".repeat(43), 0)).status).toBe(404);
  });

  it("goes away with its generation", async () => {
    const user = await createUser(db);
    const { generation } = await completedWithImages(user.id, 1);
    const created = await createShareLink({ userId: user.id, generationId: generation.id, expiresIn: "never" });
    if (!created.ok) throw new Error(created.code);
    await deleteGenerations({ userId: user.id, ids: [generation.id] });
    expect(await resolveShareToken({ token: created.token })).toBeNull();
    expect((await imageRequest(created.token, 0)).status).toBe(404);
  });
});

describe("re-running with the same seed", () => {
  it("submits a new generation with every setting and the seed the first one used", async () => {
    const user = await createUser(db, { credits: 30 });
    const first = await insertGeneration(db, user.id, {
      prompt: "A teapot, isometric",
      seedUsed: 987_654n,
      numImages: 2,
    });
    const result = await rerunGeneration({ userId: user.id, generationId: first.id, idempotencyKey: "press-1" });
    if (!result.ok) throw new Error(result.code);
    expect(result.generation).toMatchObject({
      prompt: "A teapot, isometric",
      seedRequested: 987_654,
      numImages: 2,
      sizePreset: "square",
      model: first.model,
      status: "QUEUED",
    });
    // A second press with the same key is the same submission.
    const again = await rerunGeneration({ userId: user.id, generationId: first.id, idempotencyKey: "press-1" });
    expect(again.ok && again.generation.id).toBe(result.generation.id);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(2);
  });

  it("agrees with Reuse settings and the detail page on the seed: the one used, not the one asked for", async () => {
    const user = await createUser(db, { credits: 30 });
    // The provider answered with another seed than the one sent: only the used one makes these images.
    const first = await insertGeneration(db, user.id, { seedRequested: 5, seedUsed: 9n });
    const withImages = await db.generation.findUniqueOrThrow({ where: { id: first.id }, include: { images: true } });
    expect(toGenerationView(withImages).settings.seed).toBe(9);
    expect((await generationSettings({ userId: user.id, generationId: first.id }))?.seed).toBe(9);
    expect(reproducibleSeed(first)).toBe(9);
    const result = await rerunGeneration({ userId: user.id, generationId: first.id, idempotencyKey: "press-3" });
    if (!result.ok) throw new Error(result.code);
    expect(result.generation.seedRequested).toBe(9);
  });

  it("refuses when there is no seed to repeat", async () => {
    const user = await createUser(db, { credits: 30 });
    const failed = await insertGeneration(db, user.id, { status: "FAILED", seedUsed: null });
    expect(
      await rerunGeneration({ userId: user.id, generationId: failed.id, idempotencyKey: "press-2" }),
    ).toMatchObject({
      ok: false,
      code: "no_seed",
    });
  });
});
