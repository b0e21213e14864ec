import { z } from "zod";
import type { Generation, Image } from "@/lib/generated/prisma/client";
import { GENERATION_MESSAGES } from "@/lib/generations/messages";
import { generationSettingsSchema, repeatSettings, type SettingsColumns } from "@/lib/generations/settings";
import { GENERATION_STATUSES } from "@/lib/generations/status";
import { findModel } from "@/lib/models";

// What the studio page knows about a generation: plain JSON (no BigInt, no Date), safe to hand to
// client components and to return from the status route. Never the storage keys. The schema is the
// one definition: the server builds views of its type, the polling client parses answers with it.

export const imageViewSchema = z.object({
  id: z.string(),
  index: z.number(),
  width: z.number(),
  height: z.number(),
  /** null until the derivatives job has made it. */
  placeholder: z.string().nullable(),
  url: z.string(),
  /** The thumbnail, or the original (scaled by the browser) until the thumbnail exists. */
  thumbUrl: z.string(),
  downloadUrl: z.string(),
});

export const generationViewSchema = z.object({
  id: z.string(),
  status: z.enum(GENERATION_STATUSES),
  source: z.enum(["DEMO", "API"]),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  costCredits: z.number(),
  chargedCredits: z.number(),
  refundedCredits: z.number(),
  /** The seed the image source used, as a string (it may exceed 2^53 in principle). */
  seedUsed: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** The model's label from the registry (its id when the registry no longer has it). */
  modelLabel: z.string(),
  /** "3 of 4 images, 1 refunded" when a completed generation got fewer images than asked; else null. */
  delivery: z.string().nullable(),
  /** The settings to reuse: the seed is the one that makes these images again (repeatSettings). */
  settings: generationSettingsSchema,
  images: z.array(imageViewSchema),
});

export type ImageView = z.infer<typeof imageViewSchema>;
export type GenerationView = z.infer<typeof generationViewSchema>;

/** The columns a view is made of: a Generation row with its images, or just these columns of them. */
export type ViewRow = Pick<
  Generation,
  | "id"
  | "status"
  | "source"
  | "createdAt"
  | "completedAt"
  | "costCredits"
  | "chargedCredits"
  | "refundedCredits"
  | "seedUsed"
  | "errorMessage"
> &
  SettingsColumns & { images: Pick<Image, "id" | "index" | "width" | "height" | "placeholder" | "thumbKey">[] };

export function toGenerationView(g: ViewRow): GenerationView {
  return {
    id: g.id,
    status: g.status,
    source: g.source,
    createdAt: g.createdAt.toISOString(),
    completedAt: g.completedAt?.toISOString() ?? null,
    costCredits: g.costCredits,
    chargedCredits: g.chargedCredits,
    refundedCredits: g.refundedCredits,
    seedUsed: g.seedUsed === null ? null : g.seedUsed.toString(),
    errorMessage: g.errorMessage,
    modelLabel: findModel(g.model)?.label ?? g.model,
    delivery:
      g.status === "COMPLETED" && g.images.length < g.numImages
        ? GENERATION_MESSAGES.partialDelivery(g.images.length, g.numImages)
        : null,
    settings: repeatSettings(g),
    images: [...g.images]
      .sort((a, b) => a.index - b.index)
      .map((image) => {
        const url = `/api/images/${encodeURIComponent(image.id)}`;
        return {
          id: image.id,
          index: image.index,
          width: image.width,
          height: image.height,
          placeholder: image.placeholder,
          url,
          thumbUrl: image.thumbKey ? `${url}?variant=thumb` : url,
          downloadUrl: `${url}?download=1`,
        };
      }),
  };
}

/**
 * How long after it completed a page keeps listening for a generation's thumbnails: they come
 * from a follow-up job, seconds later; an image that never gets one (it does not decode) must
 * not keep the page listening for ever.
 */
export const THUMBNAIL_WAIT_MS = 2 * 60_000;

/** Completed recently, and some of its images still show the original in place of a thumbnail. */
export function awaitsThumbnails(view: GenerationView, now = Date.now()): boolean {
  if (view.status !== "COMPLETED" || view.completedAt === null) return false;
  if (now - Date.parse(view.completedAt) > THUMBNAIL_WAIT_MS) return false;
  return view.images.some((image) => image.placeholder === null);
}
