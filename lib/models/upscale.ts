import { z } from "zod";
import { responseFormat } from "@/lib/models/fields";
import type { ModelEntry, SizeRules } from "@/lib/models/types";
import { creditsForProviderPrice } from "@/lib/pricing";

// Dreamina Creative Upscale: one image in (`image_url`), one larger image out. Offered as an
// "Upscale" action on an image, not in the model picker. Contract: ../shared/api/models.md.

const PRESETS = {
  "2k": { width: 2048, height: 2048, label: "2K", short: "2K", aspect: null },
  "4k": { width: 4096, height: 4096, label: "4K", short: "4K", aspect: null },
} as const;

const SIZE: SizeRules = { presets: PRESETS, defaultPreset: "2k", custom: null };

const request = z.strictObject({
  image_url: z.string().regex(/^(https:\/\/|data:image\/(png|jpeg);base64,)/, "an https URL or a PNG/JPEG data URL"),
  resolution: z.enum(["2k", "4k"]),
  scale: z.number().int().min(0).max(100),
  response_format: responseFormat.optional(),
});

export const dreaminaUpscale: ModelEntry = {
  id: "bytedance/dreamina-creative-upscale",
  label: "Upscale",
  description: "Upscales one image to 2K or 4K, adding detail.",
  inPicker: false,
  textToImage: false,
  prompt: false,
  size: SIZE,
  images: { max: 1, via: "calls" },
  references: {
    min: 1,
    max: 1,
    maxBytes: 4_700_000,
    maxWidth: 4096,
    maxHeight: 4096,
    types: ["image/jpeg", "image/png"],
  },
  safetyChecker: false,
  seed: false,
  upscaleScale: { min: 0, max: 100, default: 50 },
  providerCreditsPerImage: 120_000,
  creditsPerImage: creditsForProviderPrice(120_000),
  request,
  toRequest(s, call) {
    const [image] = call.references;
    if (image === undefined) throw new Error("the upscaler needs its one image");
    return {
      image_url: image,
      resolution: s.sizePreset ?? SIZE.defaultPreset,
      scale: s.upscaleScale ?? 50,
      ...(s.syncMode ? { response_format: "b64_json" } : {}),
    };
  },
  summarize(raw) {
    const r = request.parse(raw);
    const side = PRESETS[r.resolution].width;
    return {
      mode: "upscale",
      prompt: "",
      width: side,
      height: side,
      images: 1,
      seed: null,
      references: [r.image_url],
      inline: r.response_format === "b64_json",
    };
  },
};
