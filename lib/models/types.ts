import type { z } from "zod";
import type { GenerationSettings } from "@/lib/generations/settings";

// What one model of the registry declares (lib/models/index.ts lists them). Everything the studio
// does differently per model is read from here: the form, the server's validation, the request sent
// to the provider, the demo source, the history filter and the detail page. Plain data and zod:
// safe to import from client components.

/** A size the model offers by name. `width`/`height` are what the studio renders and shows for it. */
export type SizeChoice = {
  width: number;
  height: number;
  label: string;
  /** Short text on the form's button. */
  short: string;
  /** "16:9" etc.; null when the model chooses the shape itself (4.5's "2K", the upscaler). */
  aspect: string | null;
};

export type SizeRules = {
  presets: Readonly<Record<string, SizeChoice>>;
  defaultPreset: string;
  /** A custom width × height, each from min to max pixels; null when only the presets exist. */
  custom: { min: number; max: number } | null;
};

export type ReferenceType = "image/png" | "image/jpeg" | "image/webp";

/** What each reference image sent to the model must fit (the references module re-encodes to fit). */
export type ReferenceLimits = {
  /** At least this many: 0 = optional, 1 = required. */
  min: number;
  max: number;
  maxBytes: number;
  maxWidth: number;
  maxHeight: number;
  types: readonly ReferenceType[];
};

/** A request body as the provider names its fields, without `model`. */
export type ModelRequest = Readonly<Record<string, unknown>>;

/** What a request asks for, in the studio's words: how the demo source and the client read it. */
export type RequestSummary = {
  /** generate: a render from the prompt; edit: a composite of the references; upscale: the reference resized. */
  mode: "generate" | "edit" | "upscale";
  prompt: string;
  /** The pixel size asked for (for the upscaler: the longest side of the result, both ways). */
  width: number;
  height: number;
  /** Images this one call returns. */
  images: number;
  seed: number | null;
  /** The reference images as sent (base64 data URLs or links). */
  references: readonly string[];
  /** Base64 in the answer instead of links (`sync_mode` / `response_format: "b64_json"`). */
  inline: boolean;
};

export type ModelEntry = {
  id: string;
  label: string;
  /** One line for the model picker. */
  description: string;
  /** Offered in the studio's model picker (the upscaler is an action on an image instead). */
  inPicker: boolean;
  /** Makes images from a prompt alone: the public API's /v1/images/generations accepts it. */
  textToImage: boolean;
  /** Takes a prompt; when true the prompt is required. */
  prompt: boolean;
  size: SizeRules;
  /** At most `max` images per generation; "field": one call with `num_images`, "calls": one call per image. */
  images: { max: number; via: "field" | "calls" };
  /** null: the model takes no reference images. */
  references: ReferenceLimits | null;
  safetyChecker: boolean;
  /** Takes a seed (the studio sends 1..2147483647). */
  seed: boolean;
  /** The upscaler's `scale` (detail added); null for the other models. */
  upscaleScale: { min: number; max: number; default: number } | null;
  /** The provider's price of one image, in its credits (2,000,000 per US dollar). */
  providerCreditsPerImage: number;
  /** Studio credits per image received: creditsForProviderPrice(providerCreditsPerImage), lib/pricing.ts. */
  creditsPerImage: number;
  /** The request body, exactly the provider's fields for this model (strict: nothing else). */
  request: z.ZodType<ModelRequest>;
  /** One call's request. `seed` is this call's seed (null: let the provider choose). */
  toRequest(settings: GenerationSettings, call: { references: readonly string[]; seed: number | null }): ModelRequest;
  summarize(request: ModelRequest): RequestSummary;
};

/** What a client component needs of a model: plain data, no functions or schemas. */
export type ModelChoice = Pick<
  ModelEntry,
  | "id"
  | "label"
  | "description"
  | "creditsPerImage"
  | "prompt"
  | "size"
  | "images"
  | "references"
  | "safetyChecker"
  | "seed"
  | "upscaleScale"
>;
