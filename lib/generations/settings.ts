import { z } from "zod";
import type { SafetyCheckerPolicy } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import { DEFAULT_MODEL_ID, findModel } from "@/lib/models";

// A generation's settings, in one shape. The form sends it, submit validates it (settingsInputSchema),
// the row stores it (rowFromSettings / settingsFromRow), the image sources receive it as the model's
// request (requestFromSettings), and "Reuse settings" and re-run read it back (repeatSettings).
// Safe to import from client components: zod and types only.

export const PROMPT_MAX_LENGTH = 4000;
export const CUSTOM_SIZE_MIN = 1024;
export const CUSTOM_SIZE_MAX = 4096;
export const NUM_IMAGES_MAX = 4;
// The contract only says "integer >= 1"; the cap is Generation.seedRequested, a PostgreSQL INTEGER.
export const SEED_MAX = 2_147_483_647;

export const SIZE_PRESETS = {
  square_hd: { width: 2048, height: 2048, label: "Square HD", aspect: "1:1" },
  square: { width: 1024, height: 1024, label: "Square", aspect: "1:1" },
  portrait_4_3: { width: 1536, height: 2048, label: "Portrait 3:4", aspect: "3:4" },
  portrait_16_9: { width: 1152, height: 2048, label: "Portrait 9:16", aspect: "9:16" },
  landscape_4_3: { width: 2048, height: 1536, label: "Landscape 4:3", aspect: "4:3" },
  landscape_16_9: { width: 2048, height: 1152, label: "Landscape 16:9", aspect: "16:9" },
} as const;

export type SizePreset = keyof typeof SIZE_PRESETS;
const PRESET_KEYS = Object.keys(SIZE_PRESETS) as [SizePreset, ...SizePreset[]];

export function isSizePreset(value: unknown): value is SizePreset {
  return typeof value === "string" && Object.hasOwn(SIZE_PRESETS, value);
}

/** The model's request body (contract: ../shared/api), exactly as the provider names its fields. */
export type GenerationParams = {
  prompt: string;
  image_size: SizePreset | { width: number; height: number };
  seed?: number;
  num_images: number;
  enable_safety_checker: boolean;
  sync_mode: boolean;
};

/** A generation's settings, as stored and as shown: plain JSON, the same on server and client. */
export const generationSettingsSchema = z.object({
  model: z.string(),
  prompt: z.string(),
  /** Null for a custom size. */
  sizePreset: z.enum(PRESET_KEYS).nullable(),
  width: z.number().int(),
  height: z.number().int(),
  numImages: z.number().int(),
  /** Null: a new random seed each time. */
  seed: z.number().int().nullable(),
  enableSafetyChecker: z.boolean(),
  syncMode: z.boolean(),
});

export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

export const DEFAULT_SETTINGS: GenerationSettings = {
  model: DEFAULT_MODEL_ID,
  prompt: "",
  sizePreset: "square_hd",
  width: SIZE_PRESETS.square_hd.width,
  height: SIZE_PRESETS.square_hd.height,
  numImages: 1,
  seed: null,
  enableSafetyChecker: true,
  syncMode: false,
};

/**
 * The prompt's length as the studio counts it, here and in the form's live counter: UTF-16 code
 * units, JavaScript's `.length`. The provider's schema says `maxLength: 4000` and its server may
 * count the way JavaScript does, so an emoji (one character to a person, two units) counts twice:
 * the stricter count, so any prompt accepted here is accepted there, whichever way it counts.
 */
export function promptLength(prompt: string): number {
  return prompt.length;
}

/** NFC (an accent typed as letter + combining mark counts once), line breaks as "\n", trimmed. */
export function normalizePrompt(raw: string): string {
  return raw.normalize("NFC").replace(/\r\n?/g, "\n").trim();
}

// Control characters other than line breaks and tab: PostgreSQL refuses NUL in text, and none of
// them means anything in a prompt. (A carriage return becomes "\n" when the prompt is normalised.)
const CONTROL_CHARACTER = /[^\P{Cc}\n\r\t]/u;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

// Form posts carry "on"/"true"/"false"; direct calls carry booleans. An absent field takes the default.
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

const seedMessage = `The seed must be a whole number from 1 to ${SEED_MAX}.`;
const imagesMessage = `Choose 1 to ${NUM_IMAGES_MAX} images.`;

const inputFieldsSchema = z.strictObject({
  model: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((id) => findModel(id) !== undefined, "Choose one of the studio's models.")
      .default(DEFAULT_SETTINGS.model),
  ),
  prompt: z
    .string({ error: "Write a prompt." })
    .refine((p) => !CONTROL_CHARACTER.test(p), "The prompt contains a control character; remove it and try again.")
    .transform(normalizePrompt)
    .refine((p) => p.length > 0, "Write a prompt.")
    .superRefine((p, ctx) => {
      const length = promptLength(p);
      if (length > PROMPT_MAX_LENGTH) {
        ctx.addIssue({
          code: "custom",
          message: `The prompt is too long: at most ${PROMPT_MAX_LENGTH} characters (this one counts ${length}; emoji count as two).`,
        });
      }
    }),
  sizePreset: z.enum(PRESET_KEYS, { error: "Choose one of the sizes, or a custom width and height." }).nullable(),
  width: dimension("Width"),
  height: dimension("Height"),
  numImages: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: imagesMessage })
      .int(imagesMessage)
      .min(1, imagesMessage)
      .max(NUM_IMAGES_MAX, imagesMessage)
      .default(DEFAULT_SETTINGS.numImages),
  ),
  seed: z.preprocess(
    (v) => (v === null ? undefined : blankToUndefined(v)),
    z.coerce
      .number({ error: seedMessage })
      .int(seedMessage)
      .min(1, seedMessage)
      .max(SEED_MAX, seedMessage)
      .optional()
      .transform((seed) => seed ?? null),
  ),
  enableSafetyChecker: formBoolean(DEFAULT_SETTINGS.enableSafetyChecker),
  syncMode: formBoolean(DEFAULT_SETTINGS.syncMode),
});

// A preset decides the pixel size (any width/height sent with it are ignored); "custom" or null
// takes the width and height given. No preset at all means the default one.
function resolvePresetInput(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const { sizePreset, ...rest } = input as Record<string, unknown>;
  const given = blankToUndefined(sizePreset);
  const preset = given === undefined ? DEFAULT_SETTINGS.sizePreset : given;
  if (preset === "custom" || preset === null) return { ...rest, sizePreset: null };
  if (isSizePreset(preset)) {
    const { width, height } = SIZE_PRESETS[preset];
    return { ...rest, sizePreset: preset, width, height };
  }
  return { ...rest, sizePreset: preset };
}

/**
 * What a caller may send (the form, re-run, tests): the settings' own field names, with
 * `sizePreset: "custom"` (or null) plus `width` and `height` for a custom size, strings where a
 * form has them. Unknown fields are refused. Validated into GenerationSettings.
 */
export const settingsInputSchema: z.ZodType<GenerationSettings> = z.preprocess(resolvePresetInput, inputFieldsSchema);

export type SettingsInput = {
  model?: string;
  prompt: string;
  sizePreset?: SizePreset | "custom" | null;
  width?: number | string;
  height?: number | string;
  numImages?: number | string;
  seed?: number | string | null;
  enableSafetyChecker?: boolean | string;
  syncMode?: boolean | string;
};

/** The operator's SAFETY_CHECKER policy: when enforced, the checker is on whatever was sent. */
export function applySafetyPolicy(settings: GenerationSettings, policy: SafetyCheckerPolicy): GenerationSettings {
  return policy === "enforced" ? { ...settings, enableSafetyChecker: true } : settings;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A human aspect: the preset's, else "16:9", "3:2", or "1.37:1" for ratios with no small terms. */
export function aspectOf({ sizePreset, width, height }: Pick<GenerationSettings, "sizePreset" | "width" | "height">) {
  if (sizePreset) return SIZE_PRESETS[sizePreset].aspect;
  const d = gcd(width, height);
  const [w, h] = [width / d, height / d];
  return w <= 32 && h <= 32 ? `${w}:${h}` : `${(width / height).toFixed(2)}:1`;
}

/** The pixel size of a request's `image_size`. */
export function pixelSize(size: GenerationParams["image_size"]): { width: number; height: number } {
  if (typeof size === "string") {
    const { width, height } = SIZE_PRESETS[size];
    return { width, height };
  }
  return size;
}

export type SettingsColumns = Pick<
  Generation,
  | "model"
  | "prompt"
  | "sizePreset"
  | "width"
  | "height"
  | "numImages"
  | "seedRequested"
  | "enableSafetyChecker"
  | "syncMode"
>;

/** The Generation row's columns for these settings. */
export function rowFromSettings(s: GenerationSettings): SettingsColumns & { aspect: string } {
  return {
    model: s.model,
    prompt: s.prompt,
    sizePreset: s.sizePreset,
    width: s.width,
    height: s.height,
    aspect: aspectOf(s),
    numImages: s.numImages,
    seedRequested: s.seed,
    enableSafetyChecker: s.enableSafetyChecker,
    syncMode: s.syncMode,
  };
}

/** The settings a row was submitted with (the seed asked for; null for random). */
export function settingsFromRow(row: SettingsColumns): GenerationSettings {
  return {
    model: row.model,
    prompt: row.prompt,
    sizePreset: isSizePreset(row.sizePreset) ? row.sizePreset : null,
    width: row.width,
    height: row.height,
    numImages: row.numImages,
    seed: row.seedRequested,
    enableSafetyChecker: row.enableSafetyChecker,
    syncMode: row.syncMode,
  };
}

/**
 * The seed that makes the same images again: the one the source used (it differs from the one asked
 * for when none was asked), else the one asked for while none is known yet. Null when there is
 * none, or it does not fit the studio's seed range.
 */
export function reproducibleSeed(row: Pick<Generation, "seedUsed" | "seedRequested">): number | null {
  const seed = row.seedUsed ?? (row.seedRequested === null ? null : BigInt(row.seedRequested));
  return seed !== null && seed >= 1n && seed <= BigInt(SEED_MAX) ? Number(seed) : null;
}

/** Settings to submit again for the same images ("Reuse settings", re-run): the seed actually used. */
export function repeatSettings(row: SettingsColumns & Pick<Generation, "seedUsed">): GenerationSettings {
  return { ...settingsFromRow(row), seed: reproducibleSeed(row) };
}

/** The model's request for these settings. */
export function requestFromSettings(s: GenerationSettings): GenerationParams {
  return {
    prompt: s.prompt,
    image_size: s.sizePreset ?? { width: s.width, height: s.height },
    ...(s.seed === null ? {} : { seed: s.seed }),
    num_images: s.numImages,
    enable_safety_checker: s.enableSafetyChecker,
    sync_mode: s.syncMode,
  };
}
