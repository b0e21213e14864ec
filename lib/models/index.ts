import { seedream45, seedream50Lite } from "@/lib/models/seedream-next";
import { seedreamV4Edit, seedreamV4TextToImage } from "@/lib/models/seedream-v4";
import type { ModelChoice, ModelEntry } from "@/lib/models/types";
import { dreaminaUpscale } from "@/lib/models/upscale";

// The model registry: every model the studio offers, one entry each (lib/models/types.ts says what
// an entry declares; docs/generation.md, "Model registry", how to add one). Nothing outside this
// directory names a model id. Safe to import from client components.

export type { ModelChoice, ModelEntry, ModelRequest, ReferenceLimits, RequestSummary, SizeRules } from "./types";

export const MODELS: readonly ModelEntry[] = [
  seedreamV4TextToImage,
  seedreamV4Edit,
  seedream45,
  seedream50Lite,
  dreaminaUpscale,
];

/** The model a generation uses when none is named (the form's first choice, the API's default). */
export const DEFAULT_MODEL: ModelEntry = seedreamV4TextToImage;
export const DEFAULT_MODEL_ID = DEFAULT_MODEL.id;

/** The model /v1/images/edits uses when none is named. */
export const DEFAULT_EDIT_MODEL: ModelEntry = seedreamV4Edit;

/** The upscaler, for the "Upscale" action on an image. */
export const UPSCALE_MODEL: ModelEntry = dreaminaUpscale;

export function findModel(id: string): ModelEntry | undefined {
  return MODELS.find((m) => m.id === id);
}

/** The model picker's choices, in order. */
export function pickerModels(): ModelEntry[] {
  return MODELS.filter((m) => m.inPicker);
}

/** Models that make images from a prompt alone (the public API's `model`). */
export function textToImageModels(): ModelEntry[] {
  return MODELS.filter((m) => m.textToImage);
}

/** Models that change images as a prompt says (the public API's /v1/images/edits): they take references and a prompt. */
export function editModels(): ModelEntry[] {
  return MODELS.filter((m) => m.references !== null && m.prompt);
}

/** A model as plain data, for client components. */
export function modelChoice(m: ModelEntry): ModelChoice {
  return {
    id: m.id,
    label: m.label,
    description: m.description,
    creditsPerImage: m.creditsPerImage,
    prompt: m.prompt,
    size: m.size,
    images: m.images,
    references: m.references,
    safetyChecker: m.safetyChecker,
    seed: m.seed,
    upscaleScale: m.upscaleScale,
  };
}

/** Every aspect some preset names (a custom size of the same shape has the same aspect). */
export function presetAspects(): string[] {
  const aspects = MODELS.flatMap((m) => Object.values(m.size.presets).map((p) => p.aspect));
  return [...new Set(aspects.filter((a): a is string => a !== null))];
}
