import "server-only";
import { db } from "@/lib/db";
import type { SettingsInput } from "@/lib/generations/settings";
import { type SubmitResult, submitGeneration } from "@/lib/generations/submit";
import { UPSCALE_MODEL } from "@/lib/models";
import type { StoreRefusal } from "@/lib/references/store";
import { referenceFromImage } from "@/lib/references/store";
import { objectStore } from "@/lib/storage";

export type UpscaleResult = SubmitResult | StoreRefusal | { ok: false; code: "not_found"; message: string };

/**
 * "Upscale" on one of the user's images: the image becomes (or already is) one of their references,
 * and the upscaler is submitted with it through the studio's own submit (same validation, same
 * credit reservation, lineage recorded). Another user's image is not found: nothing is created or
 * charged. The same key (one press) submits once, however often it is sent.
 */
export async function upscaleImage({
  userId,
  imageId,
  resolution,
  scale,
  idempotencyKey,
}: {
  userId: string;
  imageId: string;
  /** One of the upscaler's size presets ("2k", "4k"). */
  resolution: string;
  /** The detail it adds (its `scale`); the registry's default when absent. */
  scale?: number;
  idempotencyKey: string;
}): Promise<UpscaleResult> {
  const reference = await referenceFromImage(db(), objectStore(), { userId, imageId });
  if (!reference) return { ok: false, code: "not_found", message: "That image is not in your history." };
  if (!reference.ok) return reference;
  const input: SettingsInput = {
    model: UPSCALE_MODEL.id,
    prompt: "",
    sizePreset: resolution,
    upscaleScale: scale ?? null,
    referenceIds: [reference.reference.id],
  };
  return submitGeneration({ userId, idempotencyKey: `upscale-${idempotencyKey}`, input });
}
