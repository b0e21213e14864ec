import "server-only";
import { db } from "@/lib/db";
import type { GenerationStatus } from "@/lib/generated/prisma/enums";
import { objectStore } from "@/lib/storage";

// Changes a user makes to their own history. Ownership is part of every WHERE clause: ids of
// other users' generations match nothing and are reported exactly like ids that do not exist.

const FINISHED: GenerationStatus[] = ["COMPLETED", "FAILED"];

export async function setFavorite({
  userId,
  ids,
  favorite,
}: {
  userId: string;
  ids: string[];
  favorite: boolean;
}): Promise<{ updated: number }> {
  const { count } = await db().generation.updateMany({ where: { id: { in: ids }, userId }, data: { favorite } });
  return { updated: count };
}

export type DeleteOutcome = {
  /** Ids whose files and rows are gone. */
  deleted: string[];
  /** Ids still queued or running: their images are not in yet, so they cannot be deleted now. */
  inProgress: string[];
  /** Ids that are not this user's (or do not exist). */
  notFound: number;
};

/**
 * Deletes finished generations with their images: stored files first, then the rows (images and
 * share links go with them by cascade). Credits and the ledger are untouched; ledger rows keep the
 * generation id as plain text. Files go first so that a failure leaves everything in place to
 * retry, never rows gone with their files still stored.
 */
export async function deleteGenerations({ userId, ids }: { userId: string; ids: string[] }): Promise<DeleteOutcome> {
  const found = await db().generation.findMany({
    where: { id: { in: ids }, userId },
    select: { id: true, status: true, images: { select: { storageKey: true, thumbKey: true } } },
  });
  const finished = found.filter((g) => FINISHED.includes(g.status));
  const inProgress = found.filter((g) => !FINISHED.includes(g.status)).map((g) => g.id);
  if (finished.length > 0) {
    const keys = finished.flatMap((g) =>
      g.images.flatMap((image) => (image.thumbKey ? [image.storageKey, image.thumbKey] : [image.storageKey])),
    );
    if (keys.length > 0) await objectStore().delete(keys);
    await db().generation.deleteMany({
      where: { id: { in: finished.map((g) => g.id) }, userId, status: { in: FINISHED } },
    });
  }
  return { deleted: finished.map((g) => g.id), inProgress, notFound: ids.length - found.length };
}
