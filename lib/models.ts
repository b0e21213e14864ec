import { CREDITS_PER_IMAGE } from "@/lib/pricing";

// Every model the studio offers. Adding one (e.g. Seedream 4.0 Edit) is one entry here plus its
// price in lib/pricing.ts.
export type ModelEntry = {
  id: string;
  label: string;
  description: string;
  creditsPerImage: number;
};

function entry(id: string, label: string, description: string): ModelEntry {
  const credits = CREDITS_PER_IMAGE[id];
  if (credits === undefined) throw new Error(`no price for model ${id} in lib/pricing.ts`);
  return { id, label, description, creditsPerImage: credits };
}

/** What the studio's form needs to know of a model (plain data, for client components). */
export type ModelChoice = Pick<ModelEntry, "id" | "label" | "creditsPerImage">;

export const MODELS: readonly ModelEntry[] = [
  entry("bytedance/seedream-v4-text-to-image", "Seedream 4.0", "ByteDance's text-to-image model, up to 4096×4096"),
];

export const DEFAULT_MODEL_ID = "bytedance/seedream-v4-text-to-image";

export function findModel(id: string): ModelEntry | undefined {
  return MODELS.find((m) => m.id === id);
}
