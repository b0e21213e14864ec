import { randomBytes } from "node:crypto";
import type { Db } from "../../lib/db";
import type { GenerationStatus } from "../../lib/generated/prisma/enums";

// Rows for history tests, written straight to the database (the generation flow has its own tests).

export type GenerationSeed = {
  prompt?: string;
  status?: GenerationStatus;
  createdAt?: Date;
  aspect?: string;
  sizePreset?: string | null;
  model?: string;
  favorite?: boolean;
  numImages?: number;
  seedUsed?: bigint | null;
  seedRequested?: number | null;
};

let counter = 0;

export async function insertGeneration(db: Db, userId: string, seed: GenerationSeed = {}) {
  counter += 1;
  const status = seed.status ?? "COMPLETED";
  return db.generation.create({
    data: {
      userId,
      idempotencyKey: `seed-${counter}-${randomBytes(4).toString("hex")}`,
      model: seed.model ?? "bytedance/seedream-v4-text-to-image",
      source: "DEMO",
      prompt: seed.prompt ?? `A lighthouse number ${counter}`,
      sizePreset: seed.sizePreset === undefined ? "square" : seed.sizePreset,
      width: 1024,
      height: 1024,
      aspect: seed.aspect ?? "1:1",
      numImages: seed.numImages ?? 1,
      seedUsed: seed.seedUsed === undefined ? BigInt(1000 + counter) : seed.seedUsed,
      seedRequested: seed.seedRequested ?? null,
      status,
      costCredits: 3,
      chargedCredits: status === "COMPLETED" ? 3 : 0,
      refundedCredits: status === "FAILED" ? 3 : 0,
      errorCode: status === "FAILED" ? "provider_error" : null,
      errorMessage: status === "FAILED" ? "The image service had a problem. Your credits were refunded." : null,
      favorite: seed.favorite ?? false,
      deadlineAt: new Date(Date.now() + 600_000),
      createdAt: seed.createdAt ?? new Date(),
    },
  });
}

/** Image rows for a generation; with `store`, the original and thumbnail bytes are stored too. */
export async function insertImages(
  db: Db,
  generation: { id: string; userId: string },
  count: number,
  store?: { put(key: string, body: Buffer, contentType: string): Promise<void> },
) {
  const images = [];
  for (let index = 0; index < count; index++) {
    const storageKey = `images/${generation.userId}/${generation.id}/${index}.png`;
    const thumbKey = `images/${generation.userId}/${generation.id}/${index}.thumb.webp`;
    const body = Buffer.from(`png bytes of ${generation.id}/${index}`);
    if (store) {
      await store.put(storageKey, body, "image/png");
      await store.put(thumbKey, Buffer.from(`thumb of ${generation.id}/${index}`), "image/webp");
    }
    images.push(
      await db.image.create({
        data: {
          generationId: generation.id,
          userId: generation.userId,
          index,
          storageKey,
          thumbKey,
          contentType: "image/png",
          width: 1024,
          height: 1024,
          bytes: body.byteLength,
          sha256: "0".repeat(64),
          placeholder: "data:image/webp;base64,AAAA",
        },
      }),
    );
  }
  return images;
}

/** One of the user's generations with one real image stored (as the flow leaves it), for references and upscales. */
export async function insertGeneratedImage(
  db: Db,
  store: { put(key: string, body: Buffer, contentType: string): Promise<void> },
  userId: string,
  png: { bytes: Buffer; width: number; height: number },
) {
  const generation = await insertGeneration(db, userId);
  const storageKey = `images/${userId}/${generation.id}/0.png`;
  await store.put(storageKey, png.bytes, "image/png");
  const image = await db.image.create({
    data: {
      generationId: generation.id,
      userId,
      index: 0,
      storageKey,
      contentType: "image/png",
      width: png.width,
      height: png.height,
      bytes: png.bytes.length,
      sha256: "a".repeat(64),
    },
  });
  return { generation, image };
}
