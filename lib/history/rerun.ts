import "server-only";
import { db } from "@/lib/db";
import { repeatSettings, type SettingsInput } from "@/lib/generations/settings";
import { type SubmitResult, submitGeneration } from "@/lib/generations/submit";
import { findModel } from "@/lib/models";

export type RerunResult =
  | SubmitResult
  | { ok: false; code: "not_found"; message: string }
  | { ok: false; code: "no_seed"; message: string };

/**
 * Submits a new generation with every setting of an earlier one (its references too) and the seed it used, through the
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
  const source = await db().generation.findFirst({ where: { id: generationId, userId } });
  if (!source) return { ok: false, code: "not_found", message: "That generation is not in your history." };
  const settings = repeatSettings(source);
  // A model without a seed (the upscaler) repeats from its settings alone.
  if (settings.seed === null && (findModel(settings.model)?.seed ?? true)) {
    return {
      ok: false,
      code: "no_seed",
      message: "This generation has no seed the studio can repeat. Reuse its settings instead.",
    };
  }
  const input: SettingsInput = settings;
  return submitGeneration({ userId, idempotencyKey: `rerun-${idempotencyKey}`, input });
}
