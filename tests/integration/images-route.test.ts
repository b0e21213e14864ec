import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeDerivatives } from "../../lib/images/derivatives";
import { inspectImage } from "../../lib/images/ingest";
import { imageResponse } from "../../lib/images/serve";
import { createDiskStore } from "../../lib/storage/disk";
import { imageKey, thumbKey } from "../../lib/storage/types";
import { createUser, openTestDb } from "../support/db";

const { db } = await openTestDb();
const store = createDiskStore(mkdtempSync(path.join(os.tmpdir(), "atelier-route-")));

/** A completed generation of `userId` with one stored JPEG, as the flow leaves it. */
async function storedImage(userId: string, prompt = "A fox, in the snow! ❄️") {
  const generation = await db.generation.create({
    data: {
      userId,
      idempotencyKey: `k-${Math.random()}`,
      model: "bytedance/seedream-v4-text-to-image",
      source: "DEMO",
      prompt,
      width: 1024,
      height: 1024,
      aspect: "1:1",
      numImages: 1,
      costCredits: 4,
      status: "COMPLETED",
      deadlineAt: new Date(Date.now() + 600_000),
    },
  });
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#36c" } })
    .jpeg()
    .toBuffer();
  const ingested = { ...inspectImage(bytes), ...(await makeDerivatives(bytes, "jpg")) };
  const storageKey = imageKey(userId, generation.id, 0, ingested.ext);
  const thumb = thumbKey(userId, generation.id, 0);
  await store.put(storageKey, ingested.bytes, ingested.contentType);
  await store.put(thumb, ingested.thumbnail, "image/webp");
  const image = await db.image.create({
    data: {
      generationId: generation.id,
      userId,
      index: 0,
      storageKey,
      thumbKey: thumb,
      contentType: ingested.contentType,
      width: ingested.width,
      height: ingested.height,
      bytes: ingested.bytes.length,
      sha256: ingested.sha256,
      placeholder: ingested.placeholder,
    },
  });
  return { image, ingested };
}

describe("imageResponse (GET /api/images/:id)", () => {
  it("serves the original to its owner with exact type, nosniff, private no-cache caching and an ETag", async () => {
    const owner = await createUser(db);
    const { image, ingested } = await storedImage(owner.id);
    const response = await imageResponse({
      imageId: image.id,
      userId: owner.id,
      variant: "original",
      download: false,
      store,
    });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/jpeg",
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-cache",
      etag: `"${ingested.sha256}"`,
      "content-length": String(ingested.bytes.length),
    });
    expect(response.headers.get("content-disposition")).toBeNull();
    expect(Buffer.from(await response.arrayBuffer())).toEqual(ingested.bytes);
  });

  it("serves the WebP thumbnail", async () => {
    const owner = await createUser(db);
    const { image, ingested } = await storedImage(owner.id);
    const response = await imageResponse({
      imageId: image.id,
      userId: owner.id,
      variant: "thumb",
      download: false,
      store,
    });
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("etag")).toBe(`"${ingested.sha256}-thumb"`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(ingested.thumbnail);
  });

  it("offers a download with a file name made from the prompt", async () => {
    const owner = await createUser(db);
    const { image } = await storedImage(owner.id, "Café au lait — on a tiny table, 4K!");
    const response = await imageResponse({
      imageId: image.id,
      userId: owner.id,
      variant: "original",
      download: true,
      store,
    });
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="atelier-cafe-au-lait-on-a-tiny-1.jpg"',
    );
  });

  it("answers 304 when the browser already has it", async () => {
    const owner = await createUser(db);
    const { image, ingested } = await storedImage(owner.id);
    const response = await imageResponse({
      imageId: image.id,
      userId: owner.id,
      variant: "original",
      download: false,
      ifNoneMatch: `"other", "${ingested.sha256}"`,
      store,
    });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(`"${ingested.sha256}"`);
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    expect(await response.text()).toBe("");
  });

  it("gives another user the same 404 as a missing image", async () => {
    const owner = await createUser(db);
    const stranger = await createUser(db);
    const { image } = await storedImage(owner.id);
    const theirs = await imageResponse({
      imageId: image.id,
      userId: stranger.id,
      variant: "original",
      download: false,
      store,
    });
    const missing = await imageResponse({
      imageId: "no-such-image",
      userId: stranger.id,
      variant: "thumb",
      download: false,
      store,
    });
    for (const response of [theirs, missing]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
    }
  });

  it("answers 404 when the stored bytes are gone", async () => {
    const owner = await createUser(db);
    const { image } = await storedImage(owner.id);
    await store.delete([image.storageKey]);
    const response = await imageResponse({
      imageId: image.id,
      userId: owner.id,
      variant: "original",
      download: false,
      store,
    });
    expect(response.status).toBe(404);
  });
});
