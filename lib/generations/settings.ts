import { z } from "zod";
import type { SafetyCheckerPolicy } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import { DEFAULT_MODEL, findModel, MODELS, type ModelEntry, type ModelRequest } from "@/lib/models";
import type { SizeChoice } from "@/lib/models/types";

// A generation's settings, in one shape for every model. The form sends it, submit validates it
// (settingsInputSchema, against the chosen model's entry in lib/models/), the row stores it
// (rowFromSettings / settingsFromRow), the image sources receive it as the model's request
// (requestFromSettings, through the registry), and "Reuse settings" and re-run read it back
// (repeatSettings). Safe to import from client components: zod and types only.

export const PROMPT_MAX_LENGTH = 4000;
// The contract only says "integer >= 1"; the cap is Generation.seedRequested, a PostgreSQL INTEGER.
export const SEED_MAX = 2_147_483_647;
/** More than any model takes: the model's own limit gives the message a person reads. */
const REFERENCE_IDS_CAP = 50;
/** The most images any model makes in one generation. */
export const NUM_IMAGES_MAX = Math.max(...MODELS.map((m) => m.images.max));

/** A generation's settings, as stored and as shown: plain JSON, the same on server and client. */
export const generationSettingsSchema = z.object({
  model: z.string(),
  prompt: z.string(),
  /** One of the model's size presets (lib/models/), or null for a custom width × height. */
  sizePreset: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  numImages: z.number().int(),
  /** Null: a new random seed each time (and always for a model without a seed). */
  seed: z.number().int().nullable(),
  enableSafetyChecker: z.boolean(),
  syncMode: z.boolean(),
  /** The upscaler's detail (its `scale`, 0-100); null for every other model. */
  upscaleScale: z.number().int().nullable(),
  /** The user's reference images, in the order they are sent (lib/references). */
  referenceIds: z.array(z.string()),
});

export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

const defaultPreset = DEFAULT_MODEL.size.presets[DEFAULT_MODEL.size.defaultPreset] as SizeChoice;

export const DEFAULT_SETTINGS: GenerationSettings = {
  model: DEFAULT_MODEL.id,
  prompt: "",
  sizePreset: DEFAULT_MODEL.size.defaultPreset,
  width: defaultPreset.width,
  height: defaultPreset.height,
  numImages: 1,
  seed: null,
  enableSafetyChecker: true,
  syncMode: false,
  upscaleScale: null,
  referenceIds: [],
};

/** The model of these settings; the registry always has it once the settings are validated. */
export function modelOf(s: Pick<GenerationSettings, "model">): ModelEntry {
  const model = findModel(s.model);
  if (!model) throw new Error(`model ${s.model} is not in the registry`);
  return model;
}

/** What names a generation to a person: its prompt, or the model's label for one without (the upscaler's). */
export function titleOf(s: Pick<GenerationSettings, "model" | "prompt">): string {
  return s.prompt || (findModel(s.model)?.label ?? s.model);
}

/** The named size these settings use, or null for a custom size (or a preset the model does not have). */
export function sizeChoiceOf(s: Pick<GenerationSettings, "model" | "sizePreset">): SizeChoice | null {
  if (s.sizePreset === null) return null;
  const presets = findModel(s.model)?.size.presets;
  return presets && Object.hasOwn(presets, s.sizePreset) ? (presets[s.sizePreset] ?? null) : null;
}

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

const whole = (message: string) =>
  z.preprocess(blankToUndefined, z.coerce.number({ error: message }).int(message).optional());

const seedMessage = `The seed must be a whole number from 1 to ${SEED_MAX}.`;

const inputFieldsSchema = z.strictObject({
  model: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((id) => findModel(id) !== undefined, "Choose one of the studio's models.")
      .default(DEFAULT_SETTINGS.model),
  ),
  // Empty is allowed here: whether a prompt is required is the model's (checked below).
  prompt: z.preprocess(
    (v) => (v === undefined ? "" : v),
    z
      .string({ error: "Write a prompt." })
      .refine((p) => !CONTROL_CHARACTER.test(p), "The prompt contains a control character; remove it and try again.")
      .transform(normalizePrompt)
      .superRefine((p, ctx) => {
        const length = promptLength(p);
        if (length > PROMPT_MAX_LENGTH) {
          ctx.addIssue({
            code: "custom",
            message: `The prompt is too long: at most ${PROMPT_MAX_LENGTH} characters (this one counts ${length}; emoji count as two).`,
          });
        }
      }),
  ),
  sizePreset: z.string({ error: "Choose one of the sizes, or a custom width and height." }).nullable(),
  width: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: "Enter a width." }).int("Width must be a whole number of pixels."),
  ),
  height: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: "Enter a height." }).int("Height must be a whole number of pixels."),
  ),
  numImages: whole(`Choose 1 to ${NUM_IMAGES_MAX} images.`).transform((n) => n ?? DEFAULT_SETTINGS.numImages),
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
  upscaleScale: z.preprocess(
    (v) => (v === null ? undefined : v),
    whole("The detail must be a whole number from 0 to 100."),
  ),
  referenceIds: z.preprocess(
    // A form post carries one value as a string.
    (v) => (typeof v === "string" ? [v] : v),
    z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "A reference image id is not valid."), {
        error: "The reference images must be a list of ids.",
      })
      .max(REFERENCE_IDS_CAP, `At most ${REFERENCE_IDS_CAP} reference images.`)
      .default([]),
  ),
});

type InputFields = z.output<typeof inputFieldsSchema>;

// A preset decides the pixel size (any width/height sent with it are ignored); "custom" or null
// takes the width and height given. No preset at all means the model's default one.
function resolvePresetInput(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const { sizePreset, ...rest } = input as Record<string, unknown>;
  const modelId = blankToUndefined(rest.model);
  const model = (typeof modelId === "string" ? findModel(modelId) : undefined) ?? DEFAULT_MODEL;
  const given = blankToUndefined(sizePreset);
  const preset = given === undefined ? model.size.defaultPreset : given;
  if (preset === "custom" || preset === null) return { ...rest, sizePreset: null };
  const choice =
    typeof preset === "string" && Object.hasOwn(model.size.presets, preset) ? model.size.presets[preset] : null;
  if (choice) return { ...rest, sizePreset: preset, width: choice.width, height: choice.height };
  return { ...rest, sizePreset: preset, width: rest.width ?? 0, height: rest.height ?? 0 };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Everything that depends on the chosen model: its size rules, counts, references and fields. */
function checkAgainstModel(s: InputFields, ctx: z.RefinementCtx) {
  const model = findModel(s.model);
  if (!model) return; // the model field has its own message
  const issue = (path: keyof InputFields, message: string) => ctx.addIssue({ code: "custom", path: [path], message });

  if (model.prompt && s.prompt.length === 0) issue("prompt", "Write a prompt.");

  const { size } = model;
  if (s.sizePreset === null) {
    if (!size.custom) {
      const names = Object.values(size.presets).map((p) => p.short);
      issue("sizePreset", `${model.label} takes one of these sizes: ${names.join(", ")}.`);
    } else {
      const { min, max } = size.custom;
      for (const [key, name] of [
        ["width", "Width"],
        ["height", "Height"],
      ] as const) {
        if (s[key] < min) issue(key, `${name} must be at least ${min} pixels.`);
        else if (s[key] > max) issue(key, `${name} must be at most ${max} pixels.`);
      }
    }
  } else if (!Object.hasOwn(size.presets, s.sizePreset)) {
    issue("sizePreset", `Choose one of ${model.label}'s sizes${size.custom ? ", or a custom width and height" : ""}.`);
  }

  const most = model.images.max;
  if (s.numImages < 1 || s.numImages > most) {
    issue("numImages", most === 1 ? `${model.label} makes one image at a time.` : `Choose 1 to ${most} images.`);
  }

  const given = s.referenceIds.length;
  const limits = model.references;
  if (!limits) {
    if (given > 0)
      issue("referenceIds", `${model.label} takes no reference images; remove them or choose another model.`);
  } else if (limits.min === limits.max && given !== limits.min) {
    issue("referenceIds", `${model.label} takes exactly ${plural(limits.min, "image")}; you gave ${given}.`);
  } else if (given > limits.max) {
    issue("referenceIds", `${model.label} takes at most ${limits.max} reference images; you gave ${given}.`);
  } else if (given < limits.min) {
    issue("referenceIds", `${model.label} needs at least ${plural(limits.min, "reference image")}.`);
  }

  const scale = model.upscaleScale;
  if (scale && s.upscaleScale !== undefined && (s.upscaleScale < scale.min || s.upscaleScale > scale.max)) {
    issue("upscaleScale", `The detail must be a whole number from ${scale.min} to ${scale.max}.`);
  }
}

/** Fields the model does not take are stored as their neutral value, so a row says what was sent. */
function normalizeForModel(s: InputFields): GenerationSettings {
  const model = modelOf(s);
  return {
    ...s,
    seed: model.seed ? s.seed : null,
    enableSafetyChecker: model.safetyChecker ? s.enableSafetyChecker : DEFAULT_SETTINGS.enableSafetyChecker,
    upscaleScale: model.upscaleScale ? (s.upscaleScale ?? model.upscaleScale.default) : null,
  };
}

/**
 * What a caller may send (the form, re-run, the API, tests): the settings' own field names, with
 * `sizePreset: "custom"` (or null) plus `width` and `height` for a custom size, strings where a
 * form has them. Unknown fields are refused; every value is checked against the chosen model's
 * entry in the registry. Validated into GenerationSettings.
 */
export const settingsInputSchema: z.ZodType<GenerationSettings> = z.preprocess(
  resolvePresetInput,
  inputFieldsSchema.superRefine(checkAgainstModel).transform(normalizeForModel),
);

export type SettingsInput = {
  model?: string;
  prompt?: string;
  sizePreset?: string | null;
  width?: number | string;
  height?: number | string;
  numImages?: number | string;
  seed?: number | string | null;
  enableSafetyChecker?: boolean | string;
  syncMode?: boolean | string;
  upscaleScale?: number | string | null;
  referenceIds?: string[];
};

/** The operator's SAFETY_CHECKER policy: when enforced, the checker is on whatever was sent. */
export function applySafetyPolicy(settings: GenerationSettings, policy: SafetyCheckerPolicy): GenerationSettings {
  return policy === "enforced" ? { ...settings, enableSafetyChecker: true } : settings;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A human aspect: the preset's, else "16:9", "3:2", or "1.37:1" for ratios with no small terms;
 * "auto" for a preset whose shape the model chooses (4.5's "2K", the upscaler's resolutions).
 */
export function aspectOf(s: Pick<GenerationSettings, "model" | "sizePreset" | "width" | "height">): string {
  const preset = sizeChoiceOf(s);
  if (preset) return preset.aspect ?? "auto";
  const d = gcd(s.width, s.height);
  const [w, h] = [s.width / d, s.height / d];
  return w <= 32 && h <= 32 ? `${w}:${h}` : `${(s.width / s.height).toFixed(2)}:1`;
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
  | "upscaleScale"
  | "referenceIds"
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
    upscaleScale: s.upscaleScale,
    referenceIds: s.referenceIds,
  };
}

/** The settings a row was submitted with (the seed asked for; null for random). */
export function settingsFromRow(row: SettingsColumns): GenerationSettings {
  return {
    model: row.model,
    prompt: row.prompt,
    sizePreset: row.sizePreset,
    width: row.width,
    height: row.height,
    numImages: row.numImages,
    seed: row.seedRequested,
    enableSafetyChecker: row.enableSafetyChecker,
    syncMode: row.syncMode,
    upscaleScale: row.upscaleScale,
    referenceIds: row.referenceIds,
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
  const settings = settingsFromRow(row);
  return { ...settings, seed: findModel(row.model)?.seed ? reproducibleSeed(row) : null };
}

/** Upstream calls these settings take: one with `num_images`, else one per image. */
export function callCount(s: GenerationSettings): number {
  return modelOf(s).images.via === "field" ? 1 : s.numImages;
}

/**
 * Call `index`'s request to the model, built by its registry entry and checked against its request
 * schema. `referenceDataUrls` are the settings' references as base64 data URLs, in order (the
 * provider cannot reach the studio's storage). A model called once per image gets seed, seed + 1,
 * ... so its images differ; with no seed asked, `fallbackSeed` (the studio's own, stable for the
 * generation) takes its place, so the seed recorded makes all of them again.
 */
export function requestFromSettings(
  s: GenerationSettings,
  referenceDataUrls: readonly string[],
  call: { index: number; fallbackSeed?: number } = { index: 0 },
): ModelRequest {
  const model = modelOf(s);
  const perImage = model.images.via === "calls";
  const base = s.seed ?? (perImage && s.numImages > 1 ? (call.fallbackSeed ?? null) : null);
  const seed = !model.seed || base === null ? null : perImage ? base + call.index : base;
  return model.request.parse(model.toRequest(s, { references: referenceDataUrls, seed }));
}
