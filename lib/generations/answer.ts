import { z } from "zod";
import type { Db } from "@/lib/db";
import { sniffImageType } from "@/lib/images/ingest";
import { log } from "@/lib/log";
import { imageKey, type ObjectStore } from "@/lib/storage/types";
import type { SourceResult } from "@/lib/upstream/types";

// Each call's answer, saved the moment it arrives (Generation.providerAnswer) so that no later
// attempt pays for the same images again: a worker killed after an answer, a storage outage, a
// database blip before settling all resume from here. A generation makes one call (a model with
// `num_images`) or one per image (lib/models/: `images.via`); the saved answer holds one slot per
// call, null until that call has answered. A failed call is saved too: it ended, it is refunded,
// it is not made again. Links are saved as they came (the provider keeps them for at least 24 h).
// Bytes (b64_json, the demo source) are written at once to the key the original will keep, so a
// resume reads them back from storage; when storage is failing they go into the row, base64.

const savedImageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("url"), url: z.string().min(1) }),
  z.object({ kind: z.literal("stored"), key: z.string().min(1) }),
  z.object({ kind: z.literal("inline"), base64: z.string() }),
]);
const savedCallSchema = z.union([
  z.object({ images: z.array(savedImageSchema) }),
  // providerError: the provider's own words for operators (absent in answers saved before it existed).
  z.object({ failed: z.object({ code: z.string(), message: z.string(), providerError: z.string().nullish() }) }),
]);
export const savedAnswerSchema = z.union([
  z.object({ calls: z.array(savedCallSchema.nullable()) }),
  // Saved before one generation could make several calls: its only call.
  z.object({ images: z.array(savedImageSchema) }).transform(({ images }) => ({ calls: [{ images }] })),
]);

export type SavedImage = z.infer<typeof savedImageSchema>;
export type SavedCall = z.infer<typeof savedCallSchema>;
export type SavedAnswer = { calls: (SavedCall | null)[] };

export type AnswerTarget = { id: string; userId: string; attempts: number };

/** Which call of how many, and the index its first image takes among the generation's images. */
export type CallSlot = { index: number; of: number; firstImage: number };

export type RecordedCall = {
  call: SavedCall;
  /** Bytes already in memory by image index, so this attempt does not read back what it just wrote. */
  inMemory: Map<number, Buffer>;
  /** Keys written while saving (the "stored" images). */
  written: string[];
  /** False when another run has taken the generation over in the meantime: nothing was saved. */
  saved: boolean;
};

export type CallOutcome =
  | { kind: "answer"; result: SourceResult; seedUsed: number | null }
  | {
      kind: "failed";
      code: string;
      message: string;
      providerError: string | null;
      requestId: string | null;
      upstreamMs: number;
    };

/**
 * Saves one call's outcome into its slot with one guarded UPDATE (still RUNNING under this
 * attempt), adding its tokens and keeping the request id, seed and timing beside it. Concurrent
 * calls of one generation each set their own slot (`jsonb_set` on the row's latest version).
 * `save` runs the statement (the caller wraps it in retries: losing an answer means paying again).
 */
export async function recordCall(
  database: Db,
  g: AnswerTarget,
  slot: CallSlot,
  outcome: CallOutcome,
  store: ObjectStore,
  save: (task: () => Promise<number>) => Promise<number> = (task) => task(),
): Promise<RecordedCall> {
  const inMemory = new Map<number, Buffer>();
  const written: string[] = [];
  let call: SavedCall;
  if (outcome.kind === "failed") {
    const { code, message, providerError } = outcome;
    call = { failed: { code, message, providerError } };
  } else {
    const images = await Promise.all(
      outcome.result.images.map(async (image, i): Promise<SavedImage> => {
        if (image.kind === "url") return { kind: "url", url: image.url };
        const index = slot.firstImage + i;
        inMemory.set(index, image.bytes);
        const type = sniffImageType(image.bytes);
        if (type) {
          const key = imageKey(g.userId, g.id, index, type.ext);
          try {
            await store.put(key, image.bytes, type.contentType);
            written.push(key);
            return { kind: "stored", key };
          } catch (error) {
            log.warn("generation: image kept in the database, storage failed", {
              generationId: g.id,
              index,
              err: error,
            });
          }
        }
        // Not an image by its signature (it fails again on resume) or storage is failing: keep it in the row.
        return { kind: "inline", base64: image.bytes.toString("base64") };
      }),
    );
    call = { images };
  }
  const empty = JSON.stringify({ calls: Array.from({ length: slot.of }, () => null) });
  const path = `{calls,${slot.index}}`;
  const answered = outcome.kind === "answer" ? outcome : null;
  const tokens = answered?.result.tokensUsed ?? null;
  const requestId = answered ? answered.result.requestId : outcome.kind === "failed" ? outcome.requestId : null;
  const upstreamMs = Math.round(
    answered ? answered.result.upstreamMs : outcome.kind === "failed" ? outcome.upstreamMs : 0,
  );
  const updated = await save(
    () => database.$executeRaw`
      UPDATE "Generation" SET
        "providerAnswer" = jsonb_set(COALESCE("providerAnswer", ${empty}::jsonb), ${path}::text[], ${JSON.stringify(call)}::jsonb),
        "seedUsed" = COALESCE("seedUsed", ${answered?.seedUsed ?? null}::bigint),
        "tokensUsed" = CASE WHEN ${tokens}::int IS NULL THEN "tokensUsed" ELSE COALESCE("tokensUsed", 0) + ${tokens}::int END,
        "providerRequestId" = COALESCE(${requestId}::text, "providerRequestId"),
        "upstreamMs" = GREATEST(COALESCE("upstreamMs", 0), ${upstreamMs}::int)
      WHERE "id" = ${g.id} AND "status" = 'RUNNING' AND "attempts" = ${g.attempts}`,
  );
  return { call, inMemory, written, saved: updated === 1 };
}

/**
 * Storage keys a saved answer points at (its "stored" images), whatever its number of calls: the
 * files to remove when a generation is settled without them (the sweeper's deadline refund).
 */
export function savedAnswerKeys(value: unknown): string[] {
  const parsed = savedAnswerSchema.safeParse(value);
  if (!parsed.success) return [];
  return parsed.data.calls.flatMap((call) =>
    call && "images" in call ? call.images.flatMap((image) => (image.kind === "stored" ? [image.key] : [])) : [],
  );
}

/**
 * The saved answer of a claimed generation with one slot per call (null: not answered yet), or
 * null when there is none (or it is unreadable, or saved for another number of calls).
 */
export function parseSavedAnswer(value: unknown, calls: number): SavedAnswer | null {
  if (value === null || value === undefined) return null;
  const parsed = savedAnswerSchema.safeParse(value);
  if (!parsed.success || parsed.data.calls.length !== calls) {
    log.error("generation: unreadable saved answer", { issues: parsed.error?.issues.slice(0, 3) ?? "call count" });
    return null;
  }
  return parsed.data;
}
