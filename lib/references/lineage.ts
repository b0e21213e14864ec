import type { Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { titleOf } from "@/lib/generations/settings";
import { type ReferenceView, referenceView } from "@/lib/references/view";

// Lineage: which references a generation was made from ("Made from" on its detail page) and, the
// other way, which generations were made from a generation's images ("Used in"). Every query is
// scoped by the user on both ends: a lineage row can only ever join one user's rows, and these
// queries would not show another user's even if one existed. No `server-only`: submitGeneration
// (driven by tests and benchmarks under tsx) records lineage with it.

/** An id the user cannot use: another user's reference or none at all (one message for both). */
export class ReferenceNotFoundError extends Error {
  readonly code = "reference_not_found";
  readonly userMessage = "One of the references is no longer available. Remove it and try again.";
  constructor(readonly referenceIds: string[]) {
    super(`references not usable by this user: ${referenceIds.join(", ")}`);
    this.name = "ReferenceNotFoundError";
  }
}

/** The ids in order, each once. */
export function distinctIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

const USABLE = { id: true, storageKey: true, contentType: true, width: true, height: true, bytes: true } as const;

/**
 * The user's references among `ids`, in order, each once; throws ReferenceNotFoundError for any
 * other id. A deleted reference that a generation still names is still the user's: re-running that
 * generation, or reusing its settings, sends it again.
 */
export async function ownedReferences(database: Db | Tx, { userId, ids }: { userId: string; ids: readonly string[] }) {
  const wanted = distinctIds(ids);
  const rows = await database.referenceImage.findMany({
    where: { id: { in: wanted }, userId },
    select: USABLE,
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = wanted.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new ReferenceNotFoundError(missing);
  return wanted.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}

/**
 * Records, inside the submit's transaction, the references a generation is made from, in the order
 * given (duplicates kept once). Throws ReferenceNotFoundError, so the transaction rolls back, when
 * an id is not one of the user's references, and an Error when the generation is not theirs.
 */
export async function recordReferences(
  tx: Tx,
  { generationId, userId, referenceIds }: { generationId: string; userId: string; referenceIds: readonly string[] },
): Promise<void> {
  if (referenceIds.length === 0) return;
  const generation = await tx.generation.findFirst({ where: { id: generationId, userId }, select: { id: true } });
  if (!generation) throw new Error(`generation ${generationId} is not this user's`);
  const owned = await ownedReferences(tx, { userId, ids: referenceIds });
  await tx.generationReference.createMany({
    data: owned.map((reference, position) => ({ generationId, referenceImageId: reference.id, position })),
  });
}

export type MadeFromItem = {
  position: number;
  reference: ReferenceView;
  /** The generation whose image this reference was taken from, when it still exists. */
  source: { generationId: string; imageIndex: number } | null;
};

/** "Made from": a generation's references in the order they were sent. Empty for another user's generation. */
export async function madeFrom(
  database: Db,
  { userId, generationId }: { userId: string; generationId: string },
): Promise<MadeFromItem[]> {
  const rows = await database.generationReference.findMany({
    where: { generationId, generation: { userId }, reference: { userId } },
    orderBy: { position: "asc" },
    select: {
      position: true,
      reference: {
        select: {
          id: true,
          width: true,
          height: true,
          image: { select: { generationId: true, index: true, userId: true } },
        },
      },
    },
  });
  return rows.map(({ position, reference }) => ({
    position,
    reference: referenceView(reference),
    source:
      reference.image && reference.image.userId === userId
        ? { generationId: reference.image.generationId, imageIndex: reference.image.index }
        : null,
  }));
}

export type UsedInItem = {
  generationId: string;
  /** Its prompt, or the model's label for one without (lib/generations/settings.ts, titleOf). */
  title: string;
  createdAt: Date;
  /** Which of this generation's images it was made from (0-based). */
  imageIndexes: number[];
};

/** "Used in": the user's generations made from any image of this generation, newest first. */
export async function usedIn(
  database: Db,
  { userId, generationId }: { userId: string; generationId: string },
): Promise<UsedInItem[]> {
  const rows = await database.generationReference.findMany({
    where: {
      generation: { userId },
      reference: { userId, image: { generationId, userId } },
    },
    select: {
      generation: { select: { id: true, prompt: true, model: true, createdAt: true } },
      reference: { select: { image: { select: { index: true } } } },
    },
    orderBy: [{ generation: { createdAt: "desc" } }, { generationId: "desc" }, { position: "asc" }],
    take: 200,
  });
  const byGeneration = new Map<string, UsedInItem>();
  for (const { generation, reference } of rows) {
    const item = byGeneration.get(generation.id) ?? {
      generationId: generation.id,
      title: titleOf(generation),
      createdAt: generation.createdAt,
      imageIndexes: [],
    };
    const index = reference.image?.index;
    if (index !== undefined && !item.imageIndexes.includes(index)) item.imageIndexes.push(index);
    byGeneration.set(generation.id, item);
  }
  return [...byGeneration.values()];
}

/** The user's references among `ids`, in the order given; others are left out (the studio's ?reference=). */
export async function referenceViews(
  database: Db,
  { userId, ids }: { userId: string; ids: readonly string[] },
): Promise<ReferenceView[]> {
  const wanted = distinctIds(ids);
  if (wanted.length === 0) return [];
  const rows = await database.referenceImage.findMany({
    where: { id: { in: wanted }, userId },
    select: { id: true, width: true, height: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return wanted.flatMap((id) => {
    const row = byId.get(id);
    return row ? [referenceView(row)] : [];
  });
}
