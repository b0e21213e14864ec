import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { makeDerivatives, UndecodableImageError } from "@/lib/images/derivatives";
import { readDimensions } from "@/lib/images/header";
import { sniffImageType } from "@/lib/images/ingest";
import { log } from "@/lib/log";
import { REFERENCE_MAX_BYTES, REFERENCE_MAX_PIXELS, REFERENCE_MESSAGES } from "@/lib/references/limits";
import { type ReferenceView, referenceView } from "@/lib/references/view";
import type { ObjectStore } from "@/lib/storage/types";
import { referenceKey, referenceThumbKey } from "@/lib/storage/types";

// Turns bytes into a stored reference image: the type from the bytes' signature (a name or a
// Content-Type says nothing), the size from the image's own header, the pixel bound checked
// before anything decodes it, then one full decode that both proves the file is an image and makes
// its thumbnail. Files are written before the row, so a row never names missing files; a row that
// fails to be written takes its files with it.

export type StoreRefusal = {
  ok: false;
  code: "too_large" | "unsupported_type" | "unreadable" | "too_many_pixels";
  message: string;
};
export type StoreOutcome = { ok: true; reference: ReferenceView; created: boolean } | StoreRefusal;

function refuse(code: StoreRefusal["code"]): StoreRefusal {
  const messages = {
    too_large: REFERENCE_MESSAGES.tooLarge,
    unsupported_type: REFERENCE_MESSAGES.wrongType,
    unreadable: REFERENCE_MESSAGES.unreadable,
    too_many_pixels: REFERENCE_MESSAGES.tooManyPixels,
  } as const;
  return { ok: false, code, message: messages[code] };
}

/** Same shape as the database's cuid ids (letters and digits), so recordIdSchema accepts it. */
function newReferenceId(): string {
  return `r${randomBytes(12).toString("hex")}`;
}

export async function storeReference(
  database: Db,
  store: ObjectStore,
  { userId, bytes, imageId = null }: { userId: string; bytes: Buffer; imageId?: string | null },
): Promise<StoreOutcome> {
  if (bytes.length > REFERENCE_MAX_BYTES) return refuse("too_large");
  const type = sniffImageType(bytes);
  if (!type) return refuse("unsupported_type");
  const size = readDimensions(bytes, type.ext);
  if (!size) return refuse("unreadable");
  if (size.width * size.height > REFERENCE_MAX_PIXELS) return refuse("too_many_pixels");
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  // The same file added again is the same reference (one copy stored), brought back if deleted.
  const same = await database.referenceImage.findFirst({
    where: { userId, sha256, ...(imageId ? { imageId } : {}) },
    select: { id: true, width: true, height: true },
    orderBy: { createdAt: "desc" },
  });
  if (same) return { ok: true, reference: await undelete(database, userId, same), created: false };

  let thumbnail: Buffer;
  try {
    ({ thumbnail } = await makeDerivatives(bytes, type.ext, REFERENCE_MAX_PIXELS));
  } catch (error) {
    if (error instanceof UndecodableImageError) return refuse("unreadable");
    throw error;
  }

  const id = newReferenceId();
  const storageKey = referenceKey(userId, id, type.ext);
  const thumbKey = referenceThumbKey(userId, id);
  await store.put(storageKey, bytes, type.contentType);
  try {
    await store.put(thumbKey, thumbnail, "image/webp");
    const row = await database.referenceImage.create({
      data: {
        id,
        userId,
        storageKey,
        thumbKey,
        contentType: type.contentType,
        width: size.width,
        height: size.height,
        bytes: bytes.length,
        sha256,
        imageId,
      },
      select: { id: true, width: true, height: true },
    });
    return { ok: true, reference: referenceView(row), created: true };
  } catch (error) {
    await store.delete([storageKey, thumbKey]).catch((cleanup: unknown) => {
      log.error("references: files of a failed upload not removed", { storageKey, err: cleanup });
    });
    throw error;
  }
}

/**
 * "Use as reference": the user's reference for one of their own generated images, made from a
 * copy of its bytes (deleting the generation later leaves the reference whole), or the one made
 * before. null when the image is not the user's (or does not exist): nothing is created.
 */
export async function referenceFromImage(
  database: Db,
  store: ObjectStore,
  { userId, imageId }: { userId: string; imageId: string },
): Promise<StoreOutcome | null> {
  const image = await database.image.findFirst({ where: { id: imageId, userId }, select: { storageKey: true } });
  if (!image) return null;
  const existing = await database.referenceImage.findFirst({
    where: { userId, imageId },
    select: { id: true, width: true, height: true },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return { ok: true, reference: await undelete(database, userId, existing), created: false };
  const bytes = await store.get(image.storageKey);
  if (!bytes) {
    log.error("references: stored image missing", { imageId });
    return null;
  }
  return storeReference(database, store, { userId, bytes, imageId });
}

/** A reference added again is the user's again: no longer marked deleted (lib/references/delete.ts). */
async function undelete(
  database: Db,
  userId: string,
  row: { id: string; width: number; height: number },
): Promise<ReferenceView> {
  await database.referenceImage.updateMany({
    where: { id: row.id, userId, deletedAt: { not: null } },
    data: { deletedAt: null },
  });
  return referenceView(row);
}
