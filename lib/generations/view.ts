import type { Generation, Image } from "@/lib/generated/prisma/client";
import { SEED_MAX } from "@/lib/upstream/params";

// What the studio page knows about a generation: plain JSON (no BigInt, no Date), safe to hand to
// client components and to return from the status route. Never the storage keys.

export type GenerationSettings = {
  prompt: string;
  sizePreset: string | null;
  width: number;
  height: number;
  numImages: number;
  /** The seed to reuse: the one asked for, else the one the source used; null for random. */
  seed: number | null;
  enableSafetyChecker: boolean;
};

export type ImageView = {
  id: string;
  index: number;
  width: number;
  height: number;
  /** null until the derivatives job has made it. */
  placeholder: string | null;
  url: string;
  /** The thumbnail, or the original (scaled by the browser) until the thumbnail exists. */
  thumbUrl: string;
  downloadUrl: string;
};

export type GenerationView = {
  id: string;
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED";
  source: "DEMO" | "API";
  createdAt: string;
  completedAt: string | null;
  costCredits: number;
  chargedCredits: number;
  refundedCredits: number;
  /** The seed the image source used, as a string (it may exceed 2^53 in principle). */
  seedUsed: string | null;
  errorMessage: string | null;
  settings: GenerationSettings;
  images: ImageView[];
};

export function isPending(view: Pick<GenerationView, "status">): boolean {
  return view.status === "QUEUED" || view.status === "RUNNING";
}

export function settingsOf(g: Generation): GenerationSettings {
  return {
    prompt: g.prompt,
    sizePreset: g.sizePreset,
    width: g.width,
    height: g.height,
    numImages: g.numImages,
    // Reusing settings should reproduce the image: the seed actually used, when it fits the form.
    seed: g.seedRequested ?? (g.seedUsed !== null && g.seedUsed <= BigInt(SEED_MAX) ? Number(g.seedUsed) : null),
    enableSafetyChecker: g.enableSafetyChecker,
  };
}

export function toGenerationView(g: Generation & { images: Image[] }): GenerationView {
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
    settings: settingsOf(g),
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
