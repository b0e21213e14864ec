// What the studio accepts as a reference image, and what it tells a person whose file is refused.
// No `server-only`: the picker checks the size before uploading, with the same numbers and words.

/** The largest upload: the route stops reading at one byte more (docs/references.md). */
export const REFERENCE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Pixels an upload may declare in its header. Larger than the models' 4096×4096 (a phone photo is
 * 12-50 MP; what is sent is downscaled), but bounded: a 10 MB PNG can declare billions of pixels
 * and the decoder would try to allocate them.
 */
export const REFERENCE_MAX_PIXELS = 50_000_000;

export const REFERENCE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

export const REFERENCE_MESSAGES = {
  tooLarge: "This image is larger than 10 MB. Export it smaller (or as JPEG) and add it again.",
  wrongType:
    "Only PNG, JPEG and WebP images can be references. This file is none of them (its contents were checked, not its name).",
  unreadable: "This image could not be read: the file looks damaged or incomplete.",
  tooManyPixels: "This image has more than 50 megapixels. Resize it and add it again.",
} as const;

/** What the picker says when the model takes fewer references than the form holds; null when all are sent. */
export function referencesNotSent({
  limit,
  held,
  modelLabel,
}: {
  limit: number;
  held: number;
  modelLabel: string;
}): string | null {
  if (held <= limit) return null;
  if (limit === 0) return `${modelLabel} takes no reference images: none will be sent.`;
  const first = limit + 1;
  return first === held
    ? `Reference ${first} will not be sent to ${modelLabel}.`
    : `References ${first}–${held} will not be sent to ${modelLabel}.`;
}
