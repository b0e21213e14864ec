import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ReferenceLimits } from "../../lib/models";

// Reference images end to end below the browser: the real upload, serve and delete route handlers,
// the real "Use as reference" action, lineage and the data URLs sent to a model, on PostgreSQL and
// files on disk. Only the session lookup (Auth.js reading a cookie) is replaced by "who is signed in".

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth", () => ({ currentUser: async () => session.user }));

const storageDir = mkdtempSync(path.join(os.tmpdir(), "atelier-references-"));
process.env.STORAGE_DIR = storageDir;

const { POST: upload } = await import("../../app/api/references/route");
const { GET: serve, DELETE: remove } = await import("../../app/api/references/[referenceId]/route");
const { referenceFromImageAction } = await import("../../app/(studio)/history/actions");
const { env } = await import("../../lib/env");
const { referenceDataUrls } = await import("../../lib/references/data-urls");
const { findModel, UPSCALE_MODEL } = await import("../../lib/models");
const { madeFrom, recordReferences, ReferenceNotFoundError, referenceViews, usedIn } = await import(
  "../../lib/references/lineage"
);
const { REFERENCE_MAX_BYTES } = await import("../../lib/references/limits");
const { objectStore } = await import("../../lib/storage");
const { createUser, openTestDb } = await import("../support/db");
const { insertGeneratedImage, insertGeneration } = await import("../support/history");

// The models' own limits, from their registry entries.
const limitsOf = (model: { references: ReferenceLimits | null } | undefined): ReferenceLimits => {
  if (!model?.references) throw new Error("the model takes no references");
  return model.references;
};
const EDIT_REFERENCE_LIMITS = limitsOf(findModel("bytedance/seedream-v4-edit"));
const UPSCALER_REFERENCE_LIMITS = limitsOf(UPSCALE_MODEL);

const { db } = await openTestDb();
const store = objectStore();

type User = { id: string; email: string | null };
const signInAs = (user: User | null) => {
  session.user = user ? { id: user.id, email: user.email ?? "" } : null;
};

const png = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: "#c63" } })
    .png()
    .toBuffer();
const jpeg = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: "#36c" } })
    .jpeg()
    .toBuffer();
const webp = () =>
  sharp({ create: { width: 30, height: 40, channels: 3, background: "#3c6" } })
    .webp()
    .toBuffer();
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script><rect width="64" height="64"/></svg>',
);

function post(body: Buffer | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return upload(
    new Request("http://studio.test/api/references", {
      method: "POST",
      body: body instanceof Buffer ? new Uint8Array(body) : body,
      headers: { "content-type": "image/png", ...headers },
      duplex: "half",
    } as RequestInit),
  );
}
const params = (referenceId: string) => ({ params: Promise.resolve({ referenceId }) });
const get = (id: string, query = "") =>
  serve(new Request(`http://studio.test/api/references/${id}${query}`), params(id));
const del = (id: string) =>
  remove(new Request(`http://studio.test/api/references/${id}`, { method: "DELETE" }), params(id));

/** Every file stored under the user's reference folder. */
const storedFiles = (userId: string) => {
  const dir = path.join(storageDir, "references", userId);
  return existsSync(dir) ? readdirSync(dir) : [];
};
const fileOf = (key: string) => existsSync(path.join(storageDir, ...key.split("/")));

/** A stream of `total` bytes in 64 kB chunks, counting how much of it was pulled. */
function countedStream(total: number, head: Buffer) {
  const pulled = { bytes: 0 };
  const chunk = 64 * 1024;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      const part = Buffer.alloc(Math.min(chunk, total - pulled.bytes));
      if (pulled.bytes === 0) head.copy(part);
      pulled.bytes += part.length;
      controller.enqueue(part);
    },
  });
  return { stream, pulled };
}

async function uploaded(user: User, bytes: Buffer) {
  signInAs(user);
  const response = await post(bytes);
  expect(response.status).toBe(201);
  const { reference } = (await response.json()) as { reference: { id: string } };
  return reference.id;
}

/** One of the user's generations with one real stored PNG, as the flow leaves it. */
async function generatedImage(user: User) {
  return insertGeneratedImage(db, store, user.id, { bytes: await png(80, 80), width: 80, height: 80 });
}

beforeEach(() => {
  Object.assign(env(), { RATE_LIMIT_REFERENCE_UPLOADS_PER_USER: null });
  signInAs(null);
});

describe("POST /api/references", () => {
  it("accepts PNG, JPEG and WebP, typed by their bytes, and answers the reference's view", async () => {
    const user = await createUser(db);
    signInAs(user);
    for (const [bytes, contentType, width, height] of [
      [await png(), "image/png", 64, 48],
      [await jpeg(), "image/jpeg", 40, 30],
      [await webp(), "image/webp", 30, 40],
    ] as const) {
      // The declared type is not trusted either way: a JPEG sent as image/png is stored as a JPEG.
      const response = await post(bytes, { "content-type": "application/octet-stream" });
      expect(response.status).toBe(201);
      const { reference } = await response.json();
      expect(reference).toEqual({
        id: expect.stringMatching(/^[a-z0-9]+$/),
        thumbnailUrl: `/api/references/${reference.id}?variant=thumb`,
        url: `/api/references/${reference.id}`,
        width,
        height,
      });
      const row = await db.referenceImage.findFirstOrThrow({ where: { id: reference.id, userId: user.id } });
      expect(row).toMatchObject({ contentType, bytes: bytes.length, imageId: null, deletedAt: null });
      expect(row.storageKey.startsWith(`references/${user.id}/`)).toBe(true);
      expect(fileOf(row.storageKey) && fileOf(row.thumbKey)).toBe(true);
    }
  });

  it("gives the same file back as the same reference, stored once", async () => {
    const user = await createUser(db);
    const bytes = await png(33, 33);
    const id = await uploaded(user, bytes);
    const again = await post(bytes);
    expect(again.status).toBe(200);
    expect((await again.json()).reference.id).toBe(id);
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(1);
    expect(storedFiles(user.id)).toHaveLength(2);
  });

  it("refuses a 12 MB upload with 413 after reading at most the limit, and stores nothing", async () => {
    const user = await createUser(db);
    signInAs(user);
    // Streamed without a Content-Length, as a client may: the cap is what stops the read.
    const { stream, pulled } = countedStream(12 * 1024 * 1024, await png());
    const response = await post(stream);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: "too_large",
        message: "This image is larger than 10 MB. Export it smaller (or as JPEG) and add it again.",
      },
    });
    expect(pulled.bytes).toBeLessThanOrEqual(REFERENCE_MAX_BYTES + 2 * 64 * 1024);
    // Declared too large: refused before reading.
    const declared = countedStream(12 * 1024 * 1024, await png());
    const early = await post(declared.stream, { "content-length": String(12 * 1024 * 1024) });
    expect(early.status).toBe(413);
    expect(declared.pulled.bytes).toBeLessThan(REFERENCE_MAX_BYTES);
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);
    expect(storedFiles(user.id)).toEqual([]);
  });

  it("accepts an image of exactly 10 MB", async () => {
    const user = await createUser(db);
    signInAs(user);
    // Noise does not compress: raw RGB of about 10 MB, then trailing bytes up to the exact limit.
    const side = 1800;
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
    const encoded = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(encoded.length).toBeLessThanOrEqual(REFERENCE_MAX_BYTES);
    const exact = Buffer.concat([encoded, Buffer.alloc(REFERENCE_MAX_BYTES - encoded.length)]);
    const response = await post(exact);
    expect(response.status).toBe(201);
  });

  it("refuses an SVG renamed .png with 415 and stores nothing", async () => {
    const user = await createUser(db);
    signInAs(user);
    const response = await post(SVG, { "content-type": "image/png", "x-file-name": "cat.png" });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: {
        code: "unsupported_type",
        message:
          "Only PNG, JPEG and WebP images can be references. This file is none of them (its contents were checked, not its name).",
      },
    });
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);
    expect(storedFiles(user.id)).toEqual([]);
  });

  it("refuses a PNG whose pixels are not there (a header alone) with 422, storing nothing", async () => {
    const user = await createUser(db);
    signInAs(user);
    const truncated = (await png(200, 200)).subarray(0, 60);
    const response = await post(truncated);
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("unreadable");
    expect(storedFiles(user.id)).toEqual([]);
  });

  it("refuses form posts, other sites' pages, strangers (401) and, over the limit, with 429", async () => {
    const user = await createUser(db);
    const bytes = await png();
    expect((await post(bytes)).status).toBe(401);
    signInAs(user);
    const form = await post(bytes, { "content-type": "multipart/form-data; boundary=x" });
    expect(form.status).toBe(415);
    const crossSite = await post(bytes, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);

    Object.assign(env(), { RATE_LIMIT_REFERENCE_UPLOADS_PER_USER: { limit: 2, windowSeconds: 60 } });
    expect((await post(await png(10, 10))).status).toBe(201);
    expect((await post(await png(11, 11))).status).toBe(201);
    const refused = await post(await png(12, 12));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await refused.json()).error.message).toMatch(/^Too many reference images uploaded\. Try again in /);
  });
});

describe("GET and DELETE /api/references/:id", () => {
  it("serve the owner the original and thumbnail, private and revalidated by ETag", async () => {
    const user = await createUser(db);
    const bytes = await jpeg();
    const id = await uploaded(user, bytes);
    const original = await get(id);
    expect(original.status).toBe(200);
    expect(Object.fromEntries(original.headers)).toMatchObject({
      "content-type": "image/jpeg",
      "cache-control": "private, no-cache",
      "x-content-type-options": "nosniff",
    });
    expect(Buffer.from(await original.arrayBuffer())).toEqual(bytes);
    const thumb = await get(id, "?variant=thumb");
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const etag = original.headers.get("etag") ?? "";
    const cached = await serve(
      new Request(`http://studio.test/api/references/${id}`, { headers: { "if-none-match": etag } }),
      params(id),
    );
    expect(cached.status).toBe(304);
  });

  it("give another user 404 for both, and leave the reference whole; strangers 401", async () => {
    const owner = await createUser(db);
    const other = await createUser(db);
    const id = await uploaded(owner, await png());
    const row = await db.referenceImage.findUniqueOrThrow({ where: { id } });
    signInAs(other);
    expect((await get(id)).status).toBe(404);
    expect((await get(id, "?variant=thumb")).status).toBe(404);
    expect((await del(id)).status).toBe(404);
    // Nor does the studio load it into another user's form (/studio?reference=).
    expect(await referenceViews(db, { userId: other.id, ids: [id] })).toEqual([]);
    expect((await referenceViews(db, { userId: owner.id, ids: [id] })).map((r) => r.id)).toEqual([id]);
    signInAs(null);
    expect((await get(id)).status).toBe(401);
    expect((await del(id)).status).toBe(401);
    expect(await db.referenceImage.findUnique({ where: { id } })).toMatchObject({ deletedAt: null });
    expect(fileOf(row.storageKey) && fileOf(row.thumbKey)).toBe(true);
  });

  it("delete an unused reference with its files", async () => {
    const user = await createUser(db);
    const id = await uploaded(user, await png(20, 20));
    const row = await db.referenceImage.findUniqueOrThrow({ where: { id } });
    const response = await del(id);
    expect(await response.json()).toEqual({ outcome: "deleted" });
    expect(await db.referenceImage.findUnique({ where: { id } })).toBeNull();
    expect(fileOf(row.storageKey) || fileOf(row.thumbKey)).toBe(false);
    expect((await del(id)).status).toBe(404);
  });

  it("keep a deleted reference's files while a generation was made from it, and remove them after", async () => {
    const user = await createUser(db);
    const id = await uploaded(user, await png(21, 21));
    const row = await db.referenceImage.findUniqueOrThrow({ where: { id } });
    const generation = await insertGeneration(db, user.id);
    await db.$transaction((tx) =>
      recordReferences(tx, { generationId: generation.id, userId: user.id, referenceIds: [id] }),
    );
    expect(await (await del(id)).json()).toEqual({ outcome: "kept" });
    expect((await del(id)).status).toBe(404);
    expect(fileOf(row.storageKey)).toBe(true);
    expect((await get(id)).status).toBe(200);
    expect((await madeFrom(db, { userId: user.id, generationId: generation.id })).map((m) => m.reference.id)).toEqual([
      id,
    ]);
    // Re-running that generation sends it again.
    expect(
      await referenceDataUrls(db, store, { userId: user.id, referenceIds: [id], limits: EDIT_REFERENCE_LIMITS }),
    ).toHaveLength(1);
    // The generation goes; the next delete of any reference of the user's takes the kept one's files.
    await db.generation.delete({ where: { id: generation.id } });
    const other = await uploaded(user, await png(22, 22));
    await del(other);
    expect(await db.referenceImage.findUnique({ where: { id } })).toBeNull();
    expect(fileOf(row.storageKey) || fileOf(row.thumbKey)).toBe(false);
  });

  it("bring a deleted reference back when the same file is added again", async () => {
    const user = await createUser(db);
    const bytes = await png(23, 23);
    const id = await uploaded(user, bytes);
    const generation = await insertGeneration(db, user.id);
    await db.$transaction((tx) =>
      recordReferences(tx, { generationId: generation.id, userId: user.id, referenceIds: [id] }),
    );
    await del(id);
    const again = await post(bytes);
    expect((await again.json()).reference.id).toBe(id);
    expect(await db.referenceImage.findUniqueOrThrow({ where: { id } })).toMatchObject({ deletedAt: null });
  });
});

describe("Use as reference", () => {
  it("makes the user's reference from a copy of their image, once", async () => {
    const user = await createUser(db);
    const { image } = await generatedImage(user);
    signInAs(user);
    const first = await referenceFromImageAction({ imageId: image.id });
    if (!first.ok) throw new Error(first.error.message);
    const again = await referenceFromImageAction({ imageId: image.id });
    expect(again).toEqual(first);
    const row = await db.referenceImage.findUniqueOrThrow({ where: { id: first.data.referenceId } });
    expect(row).toMatchObject({ userId: user.id, imageId: image.id, width: 80, height: 80 });
    expect(row.storageKey).not.toBe(image.storageKey);
    expect((await get(row.id)).status).toBe(200);
  });

  it("refuses another user's image as not found and creates nothing", async () => {
    const owner = await createUser(db);
    const other = await createUser(db);
    const { image } = await generatedImage(owner);
    signInAs(other);
    expect(await referenceFromImageAction({ imageId: image.id })).toEqual({
      ok: false,
      error: { code: "not_found", message: "That image is not in your history." },
    });
    expect(await referenceFromImageAction({ imageId: "../../etc" })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
    expect(await db.referenceImage.count({ where: { OR: [{ userId: other.id }, { imageId: image.id }] } })).toBe(0);
    signInAs(null);
    expect(await referenceFromImageAction({ imageId: image.id })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
  });
});

describe("lineage", () => {
  it("records references in order and shows Made from (with the source generation) and Used in", async () => {
    const user = await createUser(db);
    const { generation: source, image } = await generatedImage(user);
    signInAs(user);
    const fromImage = await referenceFromImageAction({ imageId: image.id });
    if (!fromImage.ok) throw new Error(fromImage.error.message);
    const uploadedId = await uploaded(user, await webp());
    const edit = await insertGeneration(db, user.id, { prompt: "an edit of two" });
    await db.$transaction((tx) =>
      recordReferences(tx, {
        generationId: edit.id,
        userId: user.id,
        referenceIds: [uploadedId, fromImage.data.referenceId, uploadedId],
      }),
    );
    expect(await madeFrom(db, { userId: user.id, generationId: edit.id })).toEqual([
      { position: 0, reference: expect.objectContaining({ id: uploadedId }), source: null },
      {
        position: 1,
        reference: expect.objectContaining({ id: fromImage.data.referenceId }),
        source: { generationId: source.id, imageIndex: 0 },
      },
    ]);
    expect(await usedIn(db, { userId: user.id, generationId: source.id })).toEqual([
      { generationId: edit.id, title: "an edit of two", createdAt: edit.createdAt, imageIndexes: [0] },
    ]);
    // Another user sees neither side.
    const other = await createUser(db);
    expect(await madeFrom(db, { userId: other.id, generationId: edit.id })).toEqual([]);
    expect(await usedIn(db, { userId: other.id, generationId: source.id })).toEqual([]);
  });

  it("refuses another user's reference, rolling the whole transaction back", async () => {
    const owner = await createUser(db);
    const other = await createUser(db);
    const theirs = await uploaded(owner, await png(30, 31));
    const mine = await uploaded(other, await png(30, 32));
    const generation = await insertGeneration(db, other.id);
    await expect(
      db.$transaction(async (tx) => {
        await tx.generation.update({ where: { id: generation.id }, data: { favorite: true } });
        await recordReferences(tx, { generationId: generation.id, userId: other.id, referenceIds: [mine, theirs] });
      }),
    ).rejects.toMatchObject({ code: "reference_not_found", referenceIds: [theirs] });
    expect(await db.generationReference.count({ where: { generationId: generation.id } })).toBe(0);
    expect((await db.generation.findUniqueOrThrow({ where: { id: generation.id } })).favorite).toBe(false);
    // Nor can a user record references on someone else's generation.
    const ownersGeneration = await insertGeneration(db, owner.id);
    await expect(
      db.$transaction((tx) =>
        recordReferences(tx, { generationId: ownersGeneration.id, userId: other.id, referenceIds: [mine] }),
      ),
    ).rejects.toThrow(/not this user's/);
  });
});

describe("referenceDataUrls", () => {
  const decode = (url: string) => {
    const match = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/=]+)$/.exec(url);
    if (!match?.[1] || !match[2]) throw new Error(`not a data URL: ${url.slice(0, 40)}`);
    return { type: match[1], bytes: Buffer.from(match[2], "base64") };
  };

  it("sends a reference that fits as stored, in the order given", async () => {
    const user = await createUser(db);
    const a = await png(50, 50);
    const b = await jpeg();
    const ids = [await uploaded(user, a), await uploaded(user, b)];
    const urls = await referenceDataUrls(db, store, {
      userId: user.id,
      referenceIds: [ids[1] ?? "", ids[0] ?? ""],
      limits: EDIT_REFERENCE_LIMITS,
    });
    expect(urls.map(decode)).toEqual([
      { type: "image/jpeg", bytes: b },
      { type: "image/png", bytes: a },
    ]);
  });

  it("fits a big PNG within the upscaler's bytes, pixels and types", async () => {
    const user = await createUser(db);
    // 4600×1500 of noise: over 4096 wide and, as PNG, over 4.7 MB (about 7 MB at level 1).
    const width = 4600;
    const height = 1500;
    const raw = Buffer.alloc(width * height);
    for (let i = 0; i < raw.length; i += 4) raw.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
    const big = await sharp(raw, { raw: { width, height, channels: 1 } })
      .toColourspace("b-w")
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(UPSCALER_REFERENCE_LIMITS.maxBytes);
    const id = await uploaded(user, big);
    const [url] = await referenceDataUrls(db, store, {
      userId: user.id,
      referenceIds: [id],
      limits: UPSCALER_REFERENCE_LIMITS,
    });
    const { type, bytes } = decode(url ?? "");
    expect(["image/jpeg", "image/png"]).toContain(type);
    expect(bytes.length).toBeLessThanOrEqual(UPSCALER_REFERENCE_LIMITS.maxBytes);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe(type === "image/png" ? "png" : "jpeg");
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(4096);
    // The shape is kept.
    expect(meta.width / meta.height).toBeCloseTo(4600 / 1500, 1);
  });

  it("downscales to the bounds and re-encodes a type the model does not take (as JPEG)", async () => {
    const user = await createUser(db);
    const id = await uploaded(
      user,
      await sharp({ create: { width: 2000, height: 1000, channels: 3, background: "#888" } })
        .webp()
        .toBuffer(),
    );
    const [url] = await referenceDataUrls(db, store, {
      userId: user.id,
      referenceIds: [id],
      limits: {
        min: 1,
        max: 1,
        maxBytes: 1024 * 1024,
        maxWidth: 1000,
        maxHeight: 500,
        types: ["image/png", "image/jpeg"],
      },
    });
    const { type, bytes } = decode(url ?? "");
    expect(type).toBe("image/jpeg");
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBeLessThanOrEqual(1000);
    expect(meta.height).toBeLessThanOrEqual(500);
    expect(meta.width).toBeGreaterThan(900);
  });

  it("refuses ids the user does not own before reading any file", async () => {
    const owner = await createUser(db);
    const other = await createUser(db);
    const theirs = await uploaded(owner, await png(40, 41));
    const mine = await uploaded(other, await png(40, 42));
    await expect(
      referenceDataUrls(db, store, { userId: other.id, referenceIds: [mine, theirs], limits: EDIT_REFERENCE_LIMITS }),
    ).rejects.toMatchObject({ code: "reference_not_found", referenceIds: [theirs] });
    await expect(
      referenceDataUrls(db, store, { userId: other.id, referenceIds: ["no-such-id"], limits: EDIT_REFERENCE_LIMITS }),
    ).rejects.toBeInstanceOf(ReferenceNotFoundError);
  });
});
