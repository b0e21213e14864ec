import { z } from "zod";
import { DEFAULT_MODEL_ID, findModel } from "@/lib/models";
import { type GenerationParams, SIZE_PRESETS, type SizePreset } from "@/lib/upstream/types";

export const PROMPT_MAX_CHARS = 4000;
export const CUSTOM_SIZE_MIN = 1024;
export const CUSTOM_SIZE_MAX = 4096;
export const NUM_IMAGES_MAX = 4;
// The contract only says "integer >= 1"; the cap is Generation.seedRequested, a PostgreSQL INTEGER.
export const SEED_MAX = 2_147_483_647;

/**
 * The prompt's length as the studio counts it, here and in the form's live counter.
 *
 * Code points, not UTF-16 units: `"🎨".length` is 2, so `.length` would take an emoji as two
 * characters. Code points rather than grapheme clusters because the provider's published schema
 * says `maxLength: 4000`, and JSON Schema's maxLength counts code points: a cluster such as 👩‍🎨 is
 * one grapheme but three code points, and counting it as one would let through prompts the
 * provider refuses. The prompt is NFC-normalised first, so an accented letter typed as letter +
 * combining accent counts once, as the user sees it. For ordinary text the two counts agree.
 */
export function promptLength(prompt: string): number {
  let count = 0;
  for (const _ of prompt) count++;
  return count;
}

export function normalizePrompt(raw: string): string {
  return raw.normalize("NFC").trim();
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

// Form posts carry "on"/"true"/"false"; direct calls carry booleans. An absent field takes the
// contract's default, so a form must always send the value (e.g. a hidden "false" before the checkbox).
const formBoolean = (fallback: boolean) =>
  z.preprocess(
    (v) => {
      if (Array.isArray(v)) v = v[v.length - 1];
      if (typeof v !== "string") return v;
      const s = v.trim().toLowerCase();
      if (["on", "true", "1", "yes"].includes(s)) return true;
      if (["off", "false", "0", "no", ""].includes(s)) return false;
      return v;
    },
    z.boolean({ error: "Must be on or off." }).default(fallback),
  );

const dimension = (name: "Width" | "Height") =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `Enter a ${name.toLowerCase()}.` })
      .int(`${name} must be a whole number of pixels.`)
      .min(CUSTOM_SIZE_MIN, `${name} must be at least ${CUSTOM_SIZE_MIN} pixels.`)
      .max(CUSTOM_SIZE_MAX, `${name} must be at most ${CUSTOM_SIZE_MAX} pixels.`),
  );

const presetKeys = Object.keys(SIZE_PRESETS) as [SizePreset, ...SizePreset[]];
const presetSchema = z.enum(presetKeys, { error: "Choose one of the sizes, or a custom width and height." });
const customSizeSchema = z.object({ width: dimension("Width"), height: dimension("Height") });

// Dispatch on the input's shape instead of z.union, whose failure would hide "Height must be at
// most 4096 pixels." behind a generic "no option matched".
const sizeSchema = z.unknown().transform((value, ctx): GenerationParams["image_size"] => {
  const result =
    typeof value === "object" && value !== null ? customSizeSchema.safeParse(value) : presetSchema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

// A form sends `image_size=custom` with sibling `width` and `height` fields; fold them into the
// contract's `{ width, height }` so there is one shape to validate (issues land on image_size.width).
function foldCustomSize(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const { width, height, ...rest } = input as Record<string, unknown>;
  if (rest.image_size !== "custom") return rest;
  return { ...rest, image_size: { width, height } };
}

const fieldsSchema = z.object({
  model: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((id) => findModel(id) !== undefined, "Choose one of the studio's models.")
      .default(DEFAULT_MODEL_ID),
  ),
  prompt: z
    .string({ error: "Write a prompt." })
    .transform(normalizePrompt)
    .refine((p) => p.length > 0, "Write a prompt.")
    .superRefine((p, ctx) => {
      const length = promptLength(p);
      if (length > PROMPT_MAX_CHARS) {
        ctx.addIssue({
          code: "custom",
          message: `The prompt is too long: at most ${PROMPT_MAX_CHARS} characters (this one has ${length}).`,
        });
      }
    }),
  image_size: z.preprocess(blankToUndefined, sizeSchema.default("square_hd")),
  seed: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `The seed must be a whole number from 1 to ${SEED_MAX}.` })
      .int(`The seed must be a whole number from 1 to ${SEED_MAX}.`)
      .min(1, `The seed must be a whole number from 1 to ${SEED_MAX}.`)
      .max(SEED_MAX, `The seed must be a whole number from 1 to ${SEED_MAX}.`)
      .optional(),
  ),
  num_images: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `Choose 1 to ${NUM_IMAGES_MAX} images.` })
      .int(`Choose 1 to ${NUM_IMAGES_MAX} images.`)
      .min(1, `Choose 1 to ${NUM_IMAGES_MAX} images.`)
      .max(NUM_IMAGES_MAX, `Choose 1 to ${NUM_IMAGES_MAX} images.`)
      .default(1),
  ),
  enable_safety_checker: formBoolean(true),
  sync_mode: formBoolean(false),
});

export type GenerationRequest = { model: string; params: GenerationParams };

/**
 * The studio's generation form (FormData fields or a plain object) -> a model id and the
 * contract's parameters. Custom sizes come as `image_size: "custom"` plus `width` and `height`,
 * or directly as `image_size: { width, height }`. To add fields of your own (e.g. an idempotency
 * key) intersect it: `generationInputSchema.and(z.object({ idempotencyKey: ... }))`.
 */
export const generationInputSchema = z.preprocess(foldCustomSize, fieldsSchema).transform(
  ({ model, seed, ...rest }): GenerationRequest => ({
    model,
    params: { ...rest, ...(seed === undefined ? {} : { seed }) },
  }),
);

export type ResolvedSize = { width: number; height: number; aspect: string; preset: SizePreset | null };

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Pixel size and a human aspect ("16:9", "3:2", or "1.37:1" for ratios with no small terms). */
export function resolveSize(params: Pick<GenerationParams, "image_size">): ResolvedSize {
  const size = params.image_size;
  if (typeof size === "string") {
    const preset = SIZE_PRESETS[size];
    return { width: preset.width, height: preset.height, aspect: preset.aspect, preset: size };
  }
  const d = gcd(size.width, size.height);
  const [w, h] = [size.width / d, size.height / d];
  const aspect = w <= 32 && h <= 32 ? `${w}:${h}` : `${(size.width / size.height).toFixed(2)}:1`;
  return { width: size.width, height: size.height, aspect, preset: null };
}
