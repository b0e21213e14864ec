import http from "node:http";
import { AuthenticationError, BadRequestError, ConflictError, NotFoundError, toFile } from "openai";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL_ID } from "../../lib/models";
import { REFERENCE_MESSAGES } from "../../lib/references/limits";
import { createUser } from "../support/db";
import { balanceOf, expectLedgerBalanced } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";
import { openV1Test } from "../support/v1-server";

// POST /v1/images/edits driven by the official `openai` client (`images.edit`, multipart) against
// the shipped handler on real PostgreSQL; the job workers send the generations to the fake AI/ML
// upstream, which records each request, so the test sees the references as the provider got them.
// Seedream 4.0 Edit costs 4 credits an image, 4.5 costs 6.

const fake = await openTestUpstream({ maxRetries: 0 });

const { db, server, keyFor, client } = await openV1Test({ max: 30, workers: 4 });

const EDIT = "bytedance/seedream-v4-edit";
const NEXT = "bytedance/seedream-4-5";

async function png(background: string): Promise<Buffer> {
  return sharp({ create: { width: 24, height: 24, channels: 3, background } })
    .png()
    .toBuffer();
}

const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString("base64")}`;

type SentBody = { model: string; prompt: string; num_images?: number; image_urls?: string[] };
const sentWith = (prompt: string) =>
  fake
    .requests()
    .map((r) => r.body as SentBody)
    .filter((b) => b.prompt === prompt);

const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
);

describe("POST /v1/images/edits with the openai client", () => {
  it("one file: Seedream 4.0 Edit by default, the file sent as one data URL, stored as a reference with lineage", async () => {
    const user = await createUser(db, { credits: 40 });
    const bytes = await png("#d04020");
    const result = await client(await keyFor(user.id)).images.edit({
      image: await toFile(bytes, "photo.png", { type: "image/png" }),
      prompt: "make it autumn",
      size: "2048x2048",
    });
    expect(result.data).toHaveLength(1);
    const link = await fetch(result.data?.[0]?.url ?? "");
    expect(link.status).toBe(200);
    expect(result.data?.[0]?.revised_prompt).toBeNull();

    expect(sentWith("make it autumn")).toEqual([
      expect.objectContaining({ model: EDIT, num_images: 1, image_urls: [dataUrl(bytes)] }),
    ]);
    const generation = await db.generation.findFirstOrThrow({ where: { userId: user.id } });
    expect(generation).toMatchObject({ model: EDIT, status: "COMPLETED", chargedCredits: 4 });
    const references = await db.referenceImage.findMany({ where: { userId: user.id } });
    expect(references).toHaveLength(1);
    const lineage = await db.generationReference.findMany({ where: { generationId: generation.id } });
    expect(lineage).toEqual([expect.objectContaining({ referenceImageId: references[0]?.id, position: 0 })]);
    expect(await balanceOf(db, user.id)).toBe(36);
    await expectLedgerBalanced(db);
  });

  it("image: [a, b] sends two references in order; Seedream 4.5 makes one call per image; b64_json", async () => {
    const user = await createUser(db, { credits: 40 });
    const [a, b] = [await png("#1030c0"), await png("#20a040")];
    const result = await client(await keyFor(user.id)).images.edit({
      model: NEXT,
      image: [await toFile(a, "a.png", { type: "image/png" }), await toFile(b, "b.png", { type: "image/png" })],
      prompt: "blend the two",
      n: 2,
      size: "auto",
      response_format: "b64_json",
    });
    expect(result.data).toHaveLength(2);
    const first = Buffer.from(result.data?.[0]?.b64_json ?? "", "base64");
    expect((await sharp(first).metadata()).format).toBeDefined();
    const sent = sentWith("blend the two");
    expect(sent).toHaveLength(2);
    for (const body of sent) expect(body).toMatchObject({ model: NEXT, image_urls: [dataUrl(a), dataUrl(b)] });
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(2);
    expect(await balanceOf(db, user.id)).toBe(40 - 2 * 6);
  });

  it("a bad key throws AuthenticationError and stores nothing", async () => {
    const image = await toFile(await png("#000000"), "x.png", { type: "image/png" });
    await expect(client(`atl_${"A".repeat(43)}`).images.edit({ image, prompt: "x" })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it("an SVG named .png is a 400 with the reason, and nothing is stored, not even the good file before it", async () => {
    const user = await createUser(db, { credits: 40 });
    const openai = client(await keyFor(user.id));
    const svg = await toFile(SVG, "logo.png", { type: "image/png" });
    const alone = await openai.images.edit({ image: svg, prompt: "x" }).catch((e: unknown) => e);
    expect(alone).toBeInstanceOf(BadRequestError);
    expect((alone as BadRequestError).message).toContain(REFERENCE_MESSAGES.wrongType);
    expect((alone as BadRequestError).param).toBe("image");

    const good = await toFile(await png("#808080"), "good.png", { type: "image/png" });
    const second = await openai.images
      .edit({ image: [good, await toFile(SVG, "logo.png", { type: "image/png" })], prompt: "x" })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(BadRequestError);
    expect((second as BadRequestError).error).toMatchObject({
      message: `Image 2 of 2: ${REFERENCE_MESSAGES.wrongType}`,
      param: "image",
    });
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
    expect(await balanceOf(db, user.id)).toBe(40);
  });

  it("refuses a text-to-image model, a mask, too many images, a file over 10 MB, a field twice and JSON, storing nothing", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const openai = client(key);
    const image = () => toFile(png("#445566"), "in.png", { type: "image/png" });
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (e: unknown) => e as BadRequestError,
      );

    const textModel = await refusal(openai.images.edit({ model: DEFAULT_MODEL_ID, image: await image(), prompt: "x" }));
    expect(textModel).toBeInstanceOf(BadRequestError);
    expect(textModel).toMatchObject({ status: 400, param: "model" });
    expect(textModel?.message).toContain(EDIT);

    const masked = await refusal(openai.images.edit({ image: await image(), mask: await image(), prompt: "x" }));
    expect(masked).toMatchObject({ status: 400, param: "mask" });
    expect(masked?.message).toContain("`mask` is not supported");

    const files = await Promise.all(Array.from({ length: 11 }, (_, i) => toFile(png(`#0000${10 + i}`), `${i}.png`)));
    const tooMany = await refusal(openai.images.edit({ image: files, prompt: "x" }));
    expect(tooMany).toMatchObject({ status: 400, param: "image" });
    expect(tooMany?.error).toMatchObject({ message: `${EDIT} takes at most 10 images; you sent 11.` });

    const huge = Buffer.concat([await png("#ffffff"), Buffer.alloc(11 * 1024 * 1024)]);
    const tooLarge = await refusal(openai.images.edit({ image: await toFile(huge, "big.png"), prompt: "x" }));
    expect(tooLarge).toMatchObject({ status: 413 });
    expect(tooLarge?.message).toContain(REFERENCE_MESSAGES.tooLarge);

    const unknown = await refusal(openai.images.edit({ image: await image(), prompt: "x", quality: "high" }));
    expect(unknown).toMatchObject({ status: 400, param: "quality" });

    const post = (body: BodyInit) =>
      fetch(`${server.url}/v1/images/edits`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body });
    const twice = new FormData();
    twice.append("image", new Blob([new Uint8Array(await png("#101010"))], { type: "image/png" }), "a.png");
    twice.append("prompt", "one");
    twice.append("prompt", "two");
    twice.append("__proto__", "x");
    const answer = await post(twice);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      error: { param: "prompt", message: "`prompt` was sent more than once." },
    });
    const asJson = await post(JSON.stringify({ prompt: "x" }));
    expect(asJson.status).toBe(415);

    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a body declaring more than the cap is refused with 413 before it is read", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${server.url}/v1/images/edits`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "multipart/form-data; boundary=x",
          "content-length": String(500 * 1024 * 1024),
        },
      });
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on("end", () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body: text });
        });
      });
      request.on("error", reject);
      request.write("--x\r\n");
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "body_too_large", type: "invalid_request_error" } });
  });
});

describe("Idempotency-Key on edits", () => {
  it("the same edit sent 5 times at once is one generation, one reservation, one stored reference", async () => {
    const user = await createUser(db, { credits: 40 });
    const openai = client(await keyFor(user.id));
    const bytes = await png("#aa3377");
    const send = async () =>
      openai.images.edit(
        { image: await toFile(bytes, "same.png", { type: "image/png" }), prompt: "a twin", n: 2 },
        { headers: { "idempotency-key": "edit-7" } },
      );
    const results = await Promise.all(Array.from({ length: 5 }, send));
    const urls = results.map((r) => r.data?.map((d) => new URL(d.url ?? "").pathname));
    expect(new Set(urls.map((u) => JSON.stringify(u))).size).toBe(1);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.creditMovement.count({ where: { userId: user.id, kind: "RESERVE" } })).toBe(1);
    expect(await db.referenceImage.count({ where: { userId: user.id, deletedAt: null } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(32);

    // The same key with another file is another body: 409, nothing moves, nothing is stored.
    const other = await openai.images
      .edit(
        { image: await toFile(await png("#000001"), "same.png", { type: "image/png" }), prompt: "a twin", n: 2 },
        { headers: { "idempotency-key": "edit-7" } },
      )
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConflictError);
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(32);
  });

  it("another user's edit is 404 to the caller", async () => {
    const owner = await createUser(db, { credits: 40 });
    const other = await createUser(db, { credits: 40 });
    const made = await client(await keyFor(owner.id)).images.edit({
      image: await toFile(await png("#335577"), "mine.png", { type: "image/png" }),
      prompt: "a private edit",
    });
    expect(made.data).toHaveLength(1);
    const { id } = await db.generation.findFirstOrThrow({ where: { userId: owner.id } });
    await expect(client(await keyFor(other.id)).get(`/generations/${id}`)).rejects.toBeInstanceOf(NotFoundError);
  });
});
