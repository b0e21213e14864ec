import { afterAll, describe, expect, it } from "vitest";
import { generationEventStream } from "../../lib/generations/events";
import { configureGenerationListener, stopGenerationListener } from "../../lib/generations/listener";
import { generationsUpdate, generationViews } from "../../lib/generations/queries";
import { runGeneration } from "../../lib/generations/run";
import { submitGeneration } from "../../lib/generations/submit";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { getHistoryItems } from "../../lib/history/queries";
import { makeGenerationDerivatives } from "../../lib/images/derivatives-job";
import { imageResponse } from "../../lib/images/serve";
import { jobs, QUEUES } from "../../lib/jobs";
import { objectStore } from "../../lib/storage";
import type { ObjectStore } from "../../lib/storage/types";
import { createDemoSource } from "../../lib/upstream/demo-source";
import { createUser, openTestDb } from "../support/db";
import { balanceOf, expectLedgerBalanced, movementsOf, newKey, openTestJobs } from "../support/generations";
import { readSse } from "../support/sse";

// Thumbnails arriving later (issue 9): a generation settles as soon as its originals are stored;
// the thumbnail and the placeholder of each image come from the image-derivatives job, queued in
// the settling transaction. Until then every page shows the original. The job can fail without
// touching the generation or the credits.

const testDb = await openTestDb({ max: 20 });
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 30 });
configureGenerationListener({ connectionString: testDb.url });
afterAll(() => stopGenerationListener());

async function completedWithoutThumbnails() {
  const user = await createUser(db, { credits: 40 });
  const submitted = await submitGeneration({
    userId: user.id,
    input: { prompt: "a glasshouse in the rain", sizePreset: "square", numImages: 2, seed: 3 },
    idempotencyKey: newKey(),
  });
  if (!submitted.ok) throw new Error(submitted.message);
  const id = submitted.generation.id;
  const run = await runGeneration(db, id, {
    attemptSeconds: 30,
    lastAttempt: false,
    source: createDemoSource({ durationMs: 0 }),
  });
  expect(run).toMatchObject({ kind: "settled", settle: { status: "COMPLETED", chargedCredits: 8 } });
  return { user, id };
}

const settledState = async (id: string) => {
  const g = await db.generation.findUniqueOrThrow({ where: { id } });
  return {
    status: g.status,
    chargedCredits: g.chargedCredits,
    refundedCredits: g.refundedCredits,
    movements: await movementsOf(db, id),
  };
};

describe("thumbnails arriving later", () => {
  it("tells a page's event stream when the thumbnails are ready, so it swaps them in", async () => {
    const { user, id } = await completedWithoutThumbnails();
    const abort = new AbortController();
    const stream = await generationEventStream({ userId: user.id, ids: [id], signal: abort.signal });
    if (!stream) throw new Error("expected an event stream");
    const events = readSse(new Response(stream));
    type Message = { generations: { id: string; images: { thumbUrl: string; placeholder: string | null }[] }[] };
    const images = (data: string) => (JSON.parse(data) as Message).generations.find((g) => g.id === id)?.images ?? [];
    // The stream starts with the originals standing in.
    const first = await events.next((e) => e.event === "generations");
    expect(images(first.data).map((i) => i.placeholder)).toEqual([null, null]);

    await makeGenerationDerivatives(db, id, objectStore());
    const swapped = await events.next(
      (e) => e.event === "generations" && images(e.data).every((i) => i.thumbUrl.endsWith("?variant=thumb")),
      10_000,
    );
    for (const image of images(swapped.data)) expect(image.placeholder).toMatch(/^data:image\/webp;base64,/);
    abort.abort();
    await events.close();
  });

  it("a failed thumbnail job does not affect the generation or the credits", async () => {
    const { user, id } = await completedWithoutThumbnails();
    const before = await settledState(id);
    const images = await db.image.findMany({ where: { generationId: id }, orderBy: { index: "asc" } });

    // Storage failing: the job fails (pg-boss retries it later); nothing else changes.
    const broken: ObjectStore = {
      get: async () => {
        throw new Error("storage unavailable");
      },
      put: async () => {},
      delete: async () => {},
    };
    await expect(makeGenerationDerivatives(db, id, broken)).rejects.toThrow(/storage unavailable/);

    // A file whose header is fine but whose pixels are not: that image keeps showing its original.
    const first = images[0];
    if (!first) throw new Error("expected images");
    const original = await objectStore().get(first.storageKey);
    if (!original) throw new Error("expected the original in storage");
    await objectStore().put(first.storageKey, original.subarray(0, 200), first.contentType);
    expect(await makeGenerationDerivatives(db, id, objectStore())).toEqual({ made: 1, undecodable: 1 });

    const after = await db.image.findMany({ where: { generationId: id }, orderBy: { index: "asc" } });
    expect(after.map((i) => i.thumbKey === null)).toEqual([true, false]);
    expect(await settledState(id)).toEqual(before);
    expect(await balanceOf(db, user.id)).toBe(32);
    await expectLedgerBalanced(db);
  });

  it("a generation is COMPLETED and viewable before its thumbnail exists; the follow-up job then adds it", async () => {
    const { user, id } = await completedWithoutThumbnails();
    const before = await settledState(id);

    // Finished and on every page, with the originals standing in for thumbnails.
    const images = await db.image.findMany({ where: { generationId: id }, orderBy: { index: "asc" } });
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image).toMatchObject({ thumbKey: null, placeholder: null, contentType: "image/png", width: 1024 });
    }
    const [view] = await generationViews({ userId: user.id, ids: [id] });
    expect(view?.status).toBe("COMPLETED");
    expect((await generationsUpdate({ userId: user.id, ids: [id] })).generations).toEqual([view]);
    expect(view?.images.map((i) => [i.thumbUrl, i.placeholder])).toEqual(
      images.map((i) => [`/api/images/${i.id}`, null]),
    );
    const [item] = await getHistoryItems({ userId: user.id, ids: [id] });
    expect(item?.cover).toMatchObject({ hasThumb: false, placeholder: null });
    const standIn = await imageResponse({
      imageId: images[0]?.id ?? "",
      userId: user.id,
      variant: "thumb",
      download: false,
    });
    expect(standIn.status).toBe(200);
    expect(standIn.headers.get("content-type")).toBe("image/png");
    expect(standIn.headers.get("cache-control")).toBe("private, no-cache");
    // The job was queued with the settlement.
    expect(await (await jobs()).getQueueSize(QUEUES.derivatives)).toBeGreaterThanOrEqual(1);

    await startGenerationWorkers({ concurrency: 1 });
    const started = Date.now();
    while ((await db.image.count({ where: { generationId: id, thumbKey: null } })) > 0) {
      if (Date.now() - started > 30_000) throw new Error("the derivatives job did not run");
      await new Promise((r) => setTimeout(r, 100));
    }

    const done = await db.image.findMany({ where: { generationId: id }, orderBy: { index: "asc" } });
    for (const image of done) {
      expect(image.placeholder).toMatch(/^data:image\/webp;base64,/);
      const thumb = await objectStore().get(image.thumbKey ?? "");
      expect(thumb?.subarray(8, 12).toString("latin1")).toBe("WEBP");
    }
    const [later] = await generationViews({ userId: user.id, ids: [id] });
    // The one-statement read of the event stream and the status route makes the same views.
    expect(await generationsUpdate({ userId: user.id, ids: [id, "someone-elses"] })).toEqual({
      generations: [later],
      balance: 32,
    });
    expect(later?.images[0]?.thumbUrl).toBe(`/api/images/${done[0]?.id}?variant=thumb`);
    const [laterItem] = await getHistoryItems({ userId: user.id, ids: [id] });
    expect(laterItem?.cover).toMatchObject({ hasThumb: true });
    const thumbnail = await imageResponse({
      imageId: done[0]?.id ?? "",
      userId: user.id,
      variant: "thumb",
      download: false,
    });
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect(await settledState(id)).toEqual(before);
    expect(await balanceOf(db, user.id)).toBe(32);
    await expectLedgerBalanced(db);
  });
});
