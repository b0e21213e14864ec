import { z } from "zod";
import type { ReferenceLimits, SizeChoice } from "@/lib/models/types";

// Pieces several entries' request schemas share (contract: ../shared/api/models.md).

/** A reference image as the provider takes it: an https link or a base64 data URL. */
export const referenceUrl = z
  .string()
  .regex(/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/, "an https URL or a base64 data URL of an image");

/** `response_format`: links (default) or base64 in the answer. */
export const responseFormat = z.enum(["url", "b64_json"]);

export const PROMPT_FIELD_MAX = 4000;

/** The studio's own bound for references the provider documents no byte or pixel limit for. */
export const GENERAL_REFERENCE_LIMITS: Omit<ReferenceLimits, "min" | "max"> = {
  maxBytes: 4 * 1024 * 1024,
  maxWidth: 4096,
  maxHeight: 4096,
  types: ["image/png", "image/jpeg", "image/webp"],
};

/** The pixel size of a size value: a preset's, or the custom { width, height } itself. */
export function sizeOf(
  presets: Readonly<Record<string, SizeChoice>>,
  size: string | { width: number; height: number },
): { width: number; height: number } {
  if (typeof size !== "string") return size;
  const preset = presets[size];
  if (!preset) throw new Error(`unknown size preset ${size}`);
  return { width: preset.width, height: preset.height };
}
