import "server-only";
import { db } from "@/lib/db";
import { type SubmitResult, submitGeneration } from "@/lib/generations/submit";
import { SEED_MAX } from "@/lib/upstream/params";

export type RerunResult =
  | SubmitResult
  | { ok: false; code: "not_found"; message: string }
  | { ok: false; code: "no_seed"; message: string };

/**
 * Submits a new generation with every setting of an earlier one and the seed it used, through the
 * studio's own submit (same validation, same credit reservation). The earlier one must be this user's.
 */
export async function rerunGeneration({
  userId,
  generationId,
  idempotencyKey,
}: {
  userId: string;
  generationId: string;
  idempotencyKey: string;
}): Promise<RerunResult> {
  const source = await db().generation.findFirst({
    where: { id: generationId, userId },
    select: {
      model: true,
      prompt: true,
      sizePreset: true,
      width: true,
      height: true,
      numImages: true,
      seedUsed: true,
      seedRequested: true,
      enableSafetyChecker: true,
      syncMode: true,
    },
  });
  if (!source) return { ok: false, code: "not_found", message: "That generation is not in your history." };
  const seed = source.seedUsed ?? (source.seedRequested === null ? null : BigInt(source.seedRequested));
  if (seed === null || seed < 1n || seed > BigInt(SEED_MAX)) {
    return {
      ok: false,
      code: "no_seed",
      message: "This generation has no seed the studio can repeat. Reuse its settings instead.",
    };
  }
  return submitGeneration({
    userId,
    idempotencyKey: `rerun-${idempotencyKey}`,
    input: {
      model: source.model,
      prompt: source.prompt,
      ...(source.sizePreset
        ? { image_size: source.sizePreset }
        : { image_size: "custom", width: source.width, height: source.height }),
      seed: Number(seed),
      num_images: source.numImages,
      enable_safety_checker: source.enableSafetyChecker,
      sync_mode: source.syncMode,
    },
  });
}
