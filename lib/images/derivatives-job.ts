import type { Db } from "@/lib/db";
import { notifyGenerationChanged } from "@/lib/generations/notify";
import { makeDerivatives, UndecodableImageError } from "@/lib/images/derivatives";
import { sniffImageType } from "@/lib/images/ingest";
import { log } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage/types";
import { thumbKey } from "@/lib/storage/types";

// The follow-up job of a completed generation: a thumbnail and a placeholder for each of its
// images that has none yet. It never touches the generation's status or credits: a generation is
// finished and paid for before this runs, and a failure here only leaves pages showing the
// original scaled by the browser. Safe to run twice: each image is written once
// (`WHERE "thumbKey" IS NULL`), and the thumbnail's key is derived, so a repeat overwrites itself.
// Pages showing the generation are told (NOTIFY) once its thumbnails exist, and swap them in.

export type DerivativesResult = { made: number; undecodable: number };

export async function makeGenerationDerivatives(
  database: Db,
  generationId: string,
  store: ObjectStore,
): Promise<DerivativesResult> {
  const images = await database.image.findMany({
    where: { generationId, thumbKey: null },
    select: { id: true, userId: true, index: true, storageKey: true },
    orderBy: { index: "asc" },
  });
  const result: DerivativesResult = { made: 0, undecodable: 0 };
  try {
    for (const image of images) {
      const bytes = await store.get(image.storageKey);
      if (!bytes) throw new Error(`image ${image.id}: original ${image.storageKey} is missing from storage`);
      const type = sniffImageType(bytes);
      try {
        if (!type) throw new UndecodableImageError("unknown signature");
        const { thumbnail, placeholder } = await makeDerivatives(bytes, type.ext);
        const key = thumbKey(image.userId, generationId, image.index);
        await store.put(key, thumbnail, "image/webp");
        const updated = await database.image.updateMany({
          where: { id: image.id, thumbKey: null },
          data: { thumbKey: key, placeholder },
        });
        // The generation was deleted meanwhile: its files went with it, so must this one.
        if (updated.count === 0 && !(await database.image.count({ where: { id: image.id } })))
          await store.delete([key]);
        else result.made++;
      } catch (error) {
        // Retrying cannot make a broken file decode; the page keeps showing the original.
        if (!(error instanceof UndecodableImageError)) throw error;
        log.warn("derivatives: image failed", { imageId: image.id, generationId, reason: error.message });
        result.undecodable++;
      }
    }
  } finally {
    // Also after a failure part-way: the thumbnails made so far are worth showing now.
    const owner = images[0]?.userId;
    if (result.made > 0 && owner) {
      await notifyGenerationChanged(database, { userId: owner, generationId }).catch((error: unknown) =>
        log.warn("derivatives: could not tell pages of the thumbnails", { generationId, err: error }),
      );
    }
  }
  return result;
}
