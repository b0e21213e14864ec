import "server-only";
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage/types";

// Deleting a reference. One that no generation was made from goes with its files. One that a
// generation's lineage names is hidden instead (`deletedAt`): it leaves the picker and can no
// longer be sent, but "Made from" still shows it, until the last generation naming it is deleted;
// then the next delete of any of the user's references removes it with its files.

export type DeleteOutcome = "deleted" | "hidden";

/** null when the reference is not the user's, or already deleted. */
export async function deleteReference(
  database: Db,
  store: ObjectStore,
  { userId, referenceId }: { userId: string; referenceId: string },
): Promise<DeleteOutcome | null> {
  const reference = await database.referenceImage.findFirst({
    where: { id: referenceId, userId, deletedAt: null },
    select: { id: true },
  });
  if (!reference) return null;
  const hidden = await database.referenceImage.updateMany({
    where: { id: referenceId, userId, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  if (hidden.count === 0) return null; // deleted by a concurrent request
  const removed = await removeUnusedHidden(database, store, { userId, ids: [referenceId] });
  await removeUnusedHidden(database, store, { userId });
  return removed > 0 ? "deleted" : "hidden";
}

/**
 * Removes the user's hidden references that no lineage names (of `ids` when given), rows first,
 * then files. Hiding happens before this, so a submit racing with the delete either recorded its
 * lineage first (the row stays: the foreign key refuses its removal) or found the reference
 * hidden and refused it. A file left by a failed removal is logged; the row is already gone.
 */
async function removeUnusedHidden(
  database: Db,
  store: ObjectStore,
  { userId, ids }: { userId: string; ids?: string[] },
): Promise<number> {
  const candidates = await database.referenceImage.findMany({
    where: { userId, deletedAt: { not: null }, usedBy: { none: {} }, ...(ids ? { id: { in: ids } } : {}) },
    select: { id: true, storageKey: true, thumbKey: true },
    take: 100,
  });
  let removed = 0;
  for (const candidate of candidates) {
    try {
      const gone = await database.referenceImage.deleteMany({
        where: { id: candidate.id, userId, deletedAt: { not: null }, usedBy: { none: {} } },
      });
      if (gone.count === 0) continue;
    } catch (error) {
      // A lineage row written since the check: the foreign key keeps the reference, as it should.
      log.info("references: hidden reference kept, a generation names it", { referenceId: candidate.id, err: error });
      continue;
    }
    removed++;
    await store.delete([candidate.storageKey, candidate.thumbKey]).catch((error: unknown) => {
      log.error("references: files of a deleted reference not removed", { referenceId: candidate.id, err: error });
    });
  }
  return removed;
}
