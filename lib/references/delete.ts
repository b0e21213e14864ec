import "server-only";
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage/types";

// Deleting a reference. One that no generation was made from goes with its files. One that a
// generation's lineage names is only marked deleted (`deletedAt`): its files stay for "Made from"
// and for re-running that generation, until the last generation naming it is deleted; then the
// next delete of any of the user's references removes it with its files. Adding the same file (or
// image) again clears the mark. Rows exist exactly while they are wanted or needed.

/** "kept": marked deleted, files kept while a generation names it. */
export type DeleteOutcome = "deleted" | "kept";

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
  const marked = await database.referenceImage.updateMany({
    where: { id: referenceId, userId, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  if (marked.count === 0) return null; // deleted by a concurrent request
  const removed = await removeUnneeded(database, store, { userId, ids: [referenceId] });
  await removeUnneeded(database, store, { userId });
  return removed > 0 ? "deleted" : "kept";
}

/**
 * Removes the user's deleted references that no lineage names (of `ids` when given), rows first,
 * then files. A submit racing with this either recorded its lineage first (the row stays: the
 * foreign key refuses its removal) or finds the reference gone and is refused. A file left by a
 * failed removal is logged; the row is already gone.
 */
async function removeUnneeded(
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
      log.info("references: deleted reference kept, a generation names it", { referenceId: candidate.id, err: error });
      continue;
    }
    removed++;
    await store.delete([candidate.storageKey, candidate.thumbKey]).catch((error: unknown) => {
      log.error("references: files of a deleted reference not removed", { referenceId: candidate.id, err: error });
    });
  }
  return removed;
}
