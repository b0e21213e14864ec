import { z } from "zod";
import { historyFiltersSchema } from "@/lib/history/filters";
import { UPSCALE_MODEL } from "@/lib/models";

// Inputs of the history's actions and routes. Client-safe: forms import the limits.

/** Most generations one bulk action touches (favourite, delete). */
export const MAX_BULK = 100;
/** Most generations one zip download holds (up to four originals each). */
export const MAX_ZIP_GENERATIONS = 50;

export const recordIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id.");

const idList = (max: number) =>
  z
    .array(recordIdSchema)
    .min(1, "Select at least one generation.")
    .max(max, `Select at most ${max} generations at a time.`)
    .transform((ids) => [...new Set(ids)]);

export const loadPageInput = z.object({
  filters: historyFiltersSchema,
  cursor: z.string().min(1).max(200),
});

export const favoriteInput = z.object({ ids: idList(MAX_BULK), favorite: z.boolean() });

export const deleteInput = z.object({ ids: idList(MAX_BULK) });

export const refreshInput = z.object({ ids: idList(MAX_BULK) });

export const zipInput = z.object({ ids: idList(MAX_ZIP_GENERATIONS) });

export const SHARE_EXPIRY_OPTIONS = ["never", "1d", "7d", "30d"] as const;
export type ShareExpiry = (typeof SHARE_EXPIRY_OPTIONS)[number];
export const SHARE_EXPIRY_LABELS: Record<ShareExpiry, string> = {
  never: "Never",
  "1d": "In 1 day",
  "7d": "In 7 days",
  "30d": "In 30 days",
};

export const createShareInput = z.object({
  generationId: recordIdSchema,
  expiresIn: z.enum(SHARE_EXPIRY_OPTIONS).default("never"),
});

export const revokeShareInput = z.object({ id: recordIdSchema });

/** One press of a button that submits a generation: a double click submits once. */
const pressKey = z
  .string()
  .min(8)
  .max(90)
  .regex(/^[A-Za-z0-9_-]+$/);

export const rerunInput = z.object({ generationId: recordIdSchema, idempotencyKey: pressKey });

/** The upscaler's resolutions, its size presets in the registry ("2k", "4k"). */
export const UPSCALE_RESOLUTIONS = Object.keys(UPSCALE_MODEL.size.presets);

/** "Upscale" on one of the user's images; the detail (`scale`) is checked against the registry at submit. */
export const upscaleInput = z.object({
  imageId: recordIdSchema,
  resolution: z.string().refine((r) => UPSCALE_RESOLUTIONS.includes(r), "Choose 2K or 4K."),
  scale: z.number().int().optional(),
  idempotencyKey: pressKey,
});

/** A share token as issued: 32 random bytes, base64url without padding. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** "Use as reference" on one of the user's generated images. */
export const referenceFromImageInput = z.object({ imageId: recordIdSchema });
