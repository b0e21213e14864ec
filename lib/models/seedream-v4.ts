import { z } from "zod";
import { GENERAL_REFERENCE_LIMITS, PROMPT_FIELD_MAX, referenceUrl, sizeOf } from "@/lib/models/fields";
import type { ModelEntry, ModelRequest, SizeRules } from "@/lib/models/types";
import { creditsForProviderPrice } from "@/lib/pricing";

// Seedream 4.0: text to image, and Edit (the same fields plus the required `image_urls`).
// Contract: ../shared/api/seedream-v4-text-to-image.md and ../shared/api/models.md.

const PRESETS = {
  square_hd: { width: 2048, height: 2048, label: "Square HD", short: "1:1 · 2K", aspect: "1:1" },
  square: { width: 1024, height: 1024, label: "Square", short: "1:1 · 1K", aspect: "1:1" },
  portrait_4_3: { width: 1536, height: 2048, label: "Portrait 3:4", short: "3:4", aspect: "3:4" },
  portrait_16_9: { width: 1152, height: 2048, label: "Portrait 9:16", short: "9:16", aspect: "9:16" },
  landscape_4_3: { width: 2048, height: 1536, label: "Landscape 4:3", short: "4:3", aspect: "4:3" },
  landscape_16_9: { width: 2048, height: 1152, label: "Landscape 16:9", short: "16:9", aspect: "16:9" },
} as const;
type Preset = keyof typeof PRESETS;
const PRESET_KEYS = Object.keys(PRESETS) as [Preset, ...Preset[]];

const SIZE: SizeRules = { presets: PRESETS, defaultPreset: "square_hd", custom: { min: 1024, max: 4096 } };

const dimension = z.number().int().min(1024).max(4096);
const fields = {
  prompt: z.string().min(1).max(PROMPT_FIELD_MAX),
  image_size: z.union([z.enum(PRESET_KEYS), z.strictObject({ width: dimension, height: dimension })]),
  seed: z.number().int().min(1).optional(),
  num_images: z.number().int().min(1).max(4),
  enable_safety_checker: z.boolean(),
  sync_mode: z.boolean(),
};
const textToImageRequest = z.strictObject(fields);
const editRequest = z.strictObject({ ...fields, image_urls: z.array(referenceUrl).min(1).max(10) });

function seedreamV4(options: {
  id: string;
  label: string;
  description: string;
  providerCreditsPerImage: number;
  edit: boolean;
}): ModelEntry {
  const request: z.ZodType<ModelRequest> = options.edit ? editRequest : textToImageRequest;
  return {
    id: options.id,
    label: options.label,
    description: options.description,
    inPicker: true,
    textToImage: !options.edit,
    prompt: true,
    size: SIZE,
    images: { max: 4, via: "field" },
    references: options.edit ? { min: 1, max: 10, ...GENERAL_REFERENCE_LIMITS } : null,
    safetyChecker: true,
    seed: true,
    upscaleScale: null,
    providerCreditsPerImage: options.providerCreditsPerImage,
    creditsPerImage: creditsForProviderPrice(options.providerCreditsPerImage),
    request,
    toRequest: (s, call) => ({
      prompt: s.prompt,
      image_size: s.sizePreset ?? { width: s.width, height: s.height },
      ...(call.seed === null ? {} : { seed: call.seed }),
      num_images: s.numImages,
      enable_safety_checker: s.enableSafetyChecker,
      sync_mode: s.syncMode,
      ...(options.edit ? { image_urls: [...call.references] } : {}),
    }),
    summarize(raw) {
      const r = editRequest.partial({ image_urls: true }).parse(raw);
      return {
        mode: options.edit ? "edit" : "generate",
        prompt: r.prompt,
        ...sizeOf(PRESETS, r.image_size),
        images: r.num_images,
        seed: r.seed ?? null,
        references: r.image_urls ?? [],
        inline: r.sync_mode,
      };
    },
  };
}

export const seedreamV4TextToImage = seedreamV4({
  id: "bytedance/seedream-v4-text-to-image",
  label: "Seedream 4.0",
  description: "Text to image, fast and consistent, up to 4096×4096.",
  providerCreditsPerImage: 63_000,
  edit: false,
});

export const seedreamV4Edit = seedreamV4({
  id: "bytedance/seedream-v4-edit",
  label: "Seedream 4.0 Edit",
  description: "Edits or combines 1 to 10 reference images by instruction.",
  providerCreditsPerImage: 63_000,
  edit: true,
});
