import { z } from "zod";
import type { Db } from "@/lib/db";
import { sniffImageType } from "@/lib/images/ingest";
import { log } from "@/lib/log";
import { imageKey, type ObjectStore } from "@/lib/storage/types";
import type { SourceResult } from "@/lib/upstream/types";

// The image source's answer, saved the moment it arrives (Generation.providerAnswer) so that no
// later attempt pays for the same images again: a worker killed after the answer, a storage
// outage, a database blip before settling all resume from here. Links are saved as they came (the
// provider keeps them for at least 24 h). Bytes (b64_json, the demo source) are written at once to
// the key the original will keep, so a resume reads them back from storage; when storage is
// failing they go into the row itself, base64, and are stored later.

const savedImageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("url"), url: z.string().min(1) }),
  z.object({ kind: z.literal("stored"), key: z.string().min(1) }),
  z.object({ kind: z.literal("inline"), base64: z.string() }),
]);
export const savedAnswerSchema = z.object({ images: z.array(savedImageSchema) });

export type SavedImage = z.infer<typeof savedImageSchema>;
export type SavedAnswer = z.infer<typeof savedAnswerSchema>;

export type AnswerTarget = { id: string; userId: string; attempts: number; seedRequested: number | null };

export type RecordedAnswer = {
  answer: SavedAnswer;
  /** Bytes already in memory by index, so this attempt does not read back what it just wrote. */
  inMemory: Map<number, Buffer>;
  /** Keys written while saving (the "stored" images). */
  written: string[];
  /** False when another run has taken the generation over in the meantime: nothing was saved. */
  saved: boolean;
};

/**
 * Saves `result` on the generation in one guarded UPDATE (still RUNNING under this attempt), with
 * the request id, tokens, seed and timing beside it. `save` runs the statement (the caller wraps it
 * in retries: losing an answer means paying for it again).
 */
export async function recordAnswer(
  database: Db,
  g: AnswerTarget,
  result: SourceResult,
  store: ObjectStore,
  save: (task: () => Promise<number>) => Promise<number> = (task) => task(),
): Promise<RecordedAnswer> {
  const inMemory = new Map<number, Buffer>();
  const written: string[] = [];
  const images = await Promise.all(
    result.images.map(async (image, index): Promise<SavedImage> => {
      if (image.kind === "url") return { kind: "url", url: image.url };
      inMemory.set(index, image.bytes);
      const type = sniffImageType(image.bytes);
      if (type) {
        const key = imageKey(g.userId, g.id, index, type.ext);
        try {
          await store.put(key, image.bytes, type.contentType);
          written.push(key);
          return { kind: "stored", key };
        } catch (error) {
          log.warn("generation: image kept in the database, storage failed", { generationId: g.id, index, err: error });
        }
      }
      // Not an image by its signature (it fails again on resume) or storage is failing: keep it in the row.
      return { kind: "inline", base64: image.bytes.toString("base64") };
    }),
  );
  const answer: SavedAnswer = { images };
  const seedUsed = result.seed ?? g.seedRequested;
  const updated = await save(
    () => database.$executeRaw`
      UPDATE "Generation" SET
        "providerAnswer" = ${JSON.stringify(answer)}::jsonb,
        "seedUsed" = ${seedUsed}::bigint,
        "tokensUsed" = ${result.tokensUsed}::int,
        "providerRequestId" = ${result.requestId}::text,
        "upstreamMs" = ${Math.round(result.upstreamMs)}::int
      WHERE "id" = ${g.id} AND "status" = 'RUNNING' AND "attempts" = ${g.attempts}`,
  );
  return { answer, inMemory, written, saved: updated === 1 };
}

/** The saved answer of a claimed generation, or null when there is none (or it is unreadable). */
export function parseSavedAnswer(value: unknown): SavedAnswer | null {
  if (value === null || value === undefined) return null;
  const parsed = savedAnswerSchema.safeParse(value);
  if (!parsed.success) {
    log.error("generation: unreadable saved answer", { issues: parsed.error.issues.slice(0, 3) });
    return null;
  }
  return parsed.data;
}
