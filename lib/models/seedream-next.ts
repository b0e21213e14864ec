import { z } from "zod";
import { GENERAL_REFERENCE_LIMITS, referenceUrl, responseFormat, sizeOf } from "@/lib/models/fields";
import type { ModelEntry, SizeRules } from "@/lib/models/types";
import { creditsForProviderPrice } from "@/lib/pricing";

// Seedream 4.5 and its successors (5.0 Lite): text to image, or edit when references are given.
// One image per call (no `num_images`), `image_size` as { width, height } from 1440 to 4096 or
// "2K"/"4K", an optional seed, no safety-checker field. Contract: ../shared/api/models.md.

const PRESETS = {
  "2K": { width: 2048, height: 2048, label: "2K, shape chosen by the model", short: "2K", aspect: null },
  "4K": { width: 4096, height: 4096, label: "4K, shape chosen by the model", short: "4K", aspect: null },
} as const;

const SIZE: SizeRules = { presets: PRESETS, defaultPreset: "2K", custom: { min: 1440, max: 4096 } };

const dimension = z.number().int().min(1440).max(4096);
const request = z.strictObject({
  prompt: z.string().min(1),
  image_urls: z.array(referenceUrl).min(1).max(14).optional(),
  image_size: z.union([z.enum(["2K", "4K"]), z.strictObject({ width: dimension, height: dimension })]),
  seed: z.number().int().optional(),
  watermark: z.boolean().optional(),
  response_format: responseFormat.optional(),
});

export function seedreamNext(options: {
  id: string;
  label: string;
  description: string;
  providerCreditsPerImage: number;
}): ModelEntry {
  return {
    ...options,
    inPicker: true,
    textToImage: true,
    prompt: true,
    size: SIZE,
    images: { max: 4, via: "calls" },
    references: { min: 0, max: 14, ...GENERAL_REFERENCE_LIMITS },
    safetyChecker: false,
    seed: true,
    upscaleScale: null,
    creditsPerImage: creditsForProviderPrice(options.providerCreditsPerImage),
    request,
    toRequest: (s, call) => ({
      prompt: s.prompt,
      ...(call.references.length > 0 ? { image_urls: [...call.references] } : {}),
      image_size: s.sizePreset ?? { width: s.width, height: s.height },
      ...(call.seed === null ? {} : { seed: call.seed }),
      ...(s.syncMode ? { response_format: "b64_json" } : {}),
    }),
    summarize(raw) {
      const r = request.parse(raw);
      return {
        mode: "generate",
        prompt: r.prompt,
        ...sizeOf(PRESETS, r.image_size),
        images: 1,
        seed: r.seed ?? null,
        references: r.image_urls ?? [],
        inline: r.response_format === "b64_json",
      };
    },
  };
}

export const seedream45 = seedreamNext({
  id: "bytedance/seedream-4-5",
  label: "Seedream 4.5",
  description: "Sharper detail and text; generates, or edits with up to 14 references.",
  providerCreditsPerImage: 84_000,
});

export const seedream50Lite = seedreamNext({
  id: "bytedance/seedream-5-0-lite-preview",
  label: "Seedream 5.0 Lite",
  description: "The newest Seedream (preview); generates, or edits with up to 14 references.",
  providerCreditsPerImage: 91_000,
});
