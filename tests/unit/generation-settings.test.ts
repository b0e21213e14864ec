import { describe, expect, it } from "vitest";
import { parseEnv, safetyCheckerPolicy } from "../../lib/env";
import {
  aspectOf,
  callCount,
  DEFAULT_SETTINGS,
  type GenerationSettings,
  promptLength,
  repeatSettings,
  requestFromSettings,
  rowFromSettings,
  settingsFromRow,
  settingsInputSchema,
} from "../../lib/generations/settings";
import { STATUS_WORDS, statusLabel } from "../../lib/generations/status";
import { STATUS_LABELS } from "../../lib/history/filters";
import { MODELS } from "../../lib/models";
import { creditsForProviderPrice } from "../../lib/pricing";
import { defaultSourceKind } from "../../lib/upstream/source";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

// What lib/action.ts hands the schema for a form post.
function fromForm(data: FormData): Record<string, unknown> {
  return Object.fromEntries(data.entries());
}

function issues(input: unknown): Record<string, string> {
  const result = settingsInputSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("settings input", () => {
  it("fills the defaults and trims the prompt", () => {
    expect(settingsInputSchema.parse({ prompt: "  a fox in the snow \n" })).toEqual({
      ...DEFAULT_SETTINGS,
      prompt: "a fox in the snow",
    });
  });

  it("reads a form post with a custom size, a seed and explicit switches", () => {
    const parsed = settingsInputSchema.parse(
      fromForm(
        form({
          model: "bytedance/seedream-v4-text-to-image",
          prompt: "a lighthouse",
          sizePreset: "custom",
          width: "3000",
          height: "2000",
          seed: "42",
          numImages: "4",
          enableSafetyChecker: "false",
          syncMode: "on",
        }),
      ),
    );
    expect(parsed).toEqual({
      model: "bytedance/seedream-v4-text-to-image",
      prompt: "a lighthouse",
      sizePreset: null,
      width: 3000,
      height: 2000,
      seed: 42,
      numImages: 4,
      enableSafetyChecker: false,
      syncMode: true,
      upscaleScale: null,
      referenceIds: [],
    });
  });

  it("takes a preset's own pixel size and a blank seed as random", () => {
    const parsed = settingsInputSchema.parse({ prompt: "x", seed: "", sizePreset: "portrait_16_9", width: 9 });
    expect(parsed).toMatchObject({ seed: null, sizePreset: "portrait_16_9", width: 1152, height: 2048 });
  });

  it("refuses fields it does not know, such as the provider's own names", () => {
    expect(issues({ prompt: "x", num_images: 2 })).toHaveProperty("");
  });

  it("names each bad field with a message a person understands", () => {
    expect(issues({ prompt: "   " })).toEqual({ prompt: "Write a prompt." });
    expect(issues({ prompt: "x", model: "openai/dall-e-3" })).toEqual({ model: "Choose one of the studio's models." });
    expect(issues({ prompt: "x", sizePreset: "huge" })).toHaveProperty("sizePreset");
    expect(issues({ prompt: "x", sizePreset: "custom", width: "1023", height: "4097" })).toEqual({
      width: "Width must be at least 1024 pixels.",
      height: "Height must be at most 4096 pixels.",
    });
    expect(issues({ prompt: "x", sizePreset: "custom", width: "1500.5", height: "" })).toEqual({
      width: "Width must be a whole number of pixels.",
      height: "Enter a height.",
    });
    for (const seed of ["0", "-3", "1.5", "2147483648", "abc"]) {
      expect(issues({ prompt: "x", seed })).toEqual({ seed: "The seed must be a whole number from 1 to 2147483647." });
    }
    for (const n of ["0", "5", "2.5"])
      expect(issues({ prompt: "x", numImages: n })).toEqual({ numImages: "Choose 1 to 4 images." });
  });

  it("accepts the largest seed the database column holds", () => {
    expect(settingsInputSchema.parse({ prompt: "x", seed: 2147483647 }).seed).toBe(2147483647);
  });

  it("refuses control characters other than newline and tab", () => {
    for (const c of ["\u0000", "\u0007", "\u001b", "\u007f", "\u0085"]) {
      expect(issues({ prompt: `a${c}b` })).toEqual({
        prompt: "The prompt contains a control character; remove it and try again.",
      });
    }
    expect(settingsInputSchema.parse({ prompt: "a\tb\r\nc\rd" }).prompt).toBe("a\tb\nc\nd");
  });
});

describe("prompt length", () => {
  // The counter under the prompt shows promptLength(normalizePrompt(text)); the schema refuses above 4000.
  it.each([
    ["emoji", "🎨"],
    ["a mathematical letter", "𝒜"],
    ["a CJK extension B ideograph", "𠀀"],
    ["a musical symbol", "𝄞"],
  ])("counts %s (outside the BMP) as two UTF-16 units", (_, char) => {
    expect(promptLength(char)).toBe(2);
    expect(settingsInputSchema.safeParse({ prompt: char.repeat(2000) }).success).toBe(true);
    expect(issues({ prompt: char.repeat(2001) })).toEqual({
      prompt: "The prompt is too long: at most 4000 characters (this one counts 4002; emoji count as two).",
    });
  });

  it("counts a joined emoji by its units and an accent after normalising", () => {
    expect(promptLength("👩‍🎨")).toBe(5);
    expect(settingsInputSchema.safeParse({ prompt: `${"x".repeat(3996)}👩‍🎨` }).success).toBe(false);
    // e + combining acute is normalised to one character before counting.
    expect(settingsInputSchema.parse({ prompt: "e\u0301".repeat(4000) }).prompt).toBe("é".repeat(4000));
  });
});

describe("settings mapping", () => {
  const custom: GenerationSettings = {
    ...DEFAULT_SETTINGS,
    prompt: "a harbour",
    sizePreset: null,
    width: 3000,
    height: 2000,
    numImages: 3,
    seed: 7,
    enableSafetyChecker: false,
  };

  it("round-trips through the database row", () => {
    const row = rowFromSettings(custom);
    expect(row).toMatchObject({ aspect: "3:2", seedRequested: 7, numImages: 3, sizePreset: null });
    expect(settingsFromRow(row)).toEqual(custom);
    expect(settingsFromRow(rowFromSettings(DEFAULT_SETTINGS))).toEqual(DEFAULT_SETTINGS);
  });

  it("round-trips through the input schema (what re-run submits)", () => {
    expect(settingsInputSchema.parse(custom)).toEqual(custom);
    expect(settingsInputSchema.parse({ ...DEFAULT_SETTINGS, prompt: "x" })).toEqual({
      ...DEFAULT_SETTINGS,
      prompt: "x",
    });
  });

  it("becomes the model's request with the provider's field names", () => {
    expect(requestFromSettings(custom, [])).toEqual({
      prompt: "a harbour",
      image_size: { width: 3000, height: 2000 },
      seed: 7,
      num_images: 3,
      enable_safety_checker: false,
      sync_mode: false,
    });
    expect(requestFromSettings({ ...DEFAULT_SETTINGS, prompt: "x" }, [])).toEqual({
      prompt: "x",
      image_size: "square_hd",
      num_images: 1,
      enable_safety_checker: true,
      sync_mode: false,
    });
  });

  it("repeats with the seed actually used; none when it does not fit the form", () => {
    const row = { ...rowFromSettings(custom), seedUsed: 99n };
    expect(repeatSettings(row).seed).toBe(99);
    expect(repeatSettings({ ...row, seedUsed: null }).seed).toBe(7);
    expect(repeatSettings({ ...row, seedUsed: 2n ** 40n }).seed).toBeNull();
  });

  it("gives aspects for presets and custom sizes", () => {
    const v4 = DEFAULT_SETTINGS.model;
    expect(aspectOf({ model: v4, sizePreset: "landscape_16_9", width: 2048, height: 1152 })).toBe("16:9");
    expect(aspectOf({ model: v4, sizePreset: null, width: 1025, height: 4096 })).toBe("0.25:1");
    // A size whose shape the model chooses.
    expect(aspectOf({ model: "bytedance/seedream-4-5", sizePreset: "2K", width: 2048, height: 2048 })).toBe("auto");
  });
});

const EDIT = "bytedance/seedream-v4-edit";
const NEXT = "bytedance/seedream-4-5";
const UPSCALE = "bytedance/dreamina-creative-upscale";
const refs = (n: number) => Array.from({ length: n }, (_, i) => `ref${i + 1}`);

describe("settings per model (the registry's rules)", () => {
  it("refuses an 11th reference for Seedream 4.0 Edit with a clear message, and none at all", () => {
    expect(issues({ model: EDIT, prompt: "x", referenceIds: refs(11) })).toEqual({
      referenceIds: "Seedream 4.0 Edit takes at most 10 reference images; you gave 11.",
    });
    expect(issues({ model: EDIT, prompt: "x" })).toEqual({
      referenceIds: "Seedream 4.0 Edit needs at least 1 reference image.",
    });
    expect(settingsInputSchema.parse({ model: EDIT, prompt: "x", referenceIds: refs(10) }).referenceIds).toEqual(
      refs(10),
    );
  });

  it("keeps references in order, optional for 4.5 up to 14, refused for a text-only model", () => {
    expect(settingsInputSchema.parse({ model: NEXT, prompt: "x" }).referenceIds).toEqual([]);
    expect(settingsInputSchema.parse({ model: NEXT, prompt: "x", referenceIds: ["b", "a", "c"] }).referenceIds).toEqual(
      ["b", "a", "c"],
    );
    expect(issues({ model: NEXT, prompt: "x", referenceIds: refs(15) })).toEqual({
      referenceIds: "Seedream 4.5 takes at most 14 reference images; you gave 15.",
    });
    expect(issues({ prompt: "x", referenceIds: refs(1) })).toEqual({
      referenceIds: "Seedream 4.0 takes no reference images; remove them or choose another model.",
    });
  });

  it("follows each model's size rules", () => {
    // 4.5: "2K"/"4K" or a custom size from 1440; the 4.0 presets are not its sizes.
    expect(settingsInputSchema.parse({ model: NEXT, prompt: "x" })).toMatchObject({ sizePreset: "2K", width: 2048 });
    expect(settingsInputSchema.parse({ model: NEXT, prompt: "x", sizePreset: "4K" })).toMatchObject({ width: 4096 });
    expect(issues({ model: NEXT, prompt: "x", sizePreset: "custom", width: 1024, height: 2048 })).toEqual({
      width: "Width must be at least 1440 pixels.",
    });
    expect(issues({ model: NEXT, prompt: "x", sizePreset: "square_hd" })).toEqual({
      sizePreset: "Choose one of Seedream 4.5's sizes, or a custom width and height.",
    });
    // The upscaler: its resolutions only, one image, exactly one reference, no prompt needed.
    const up = settingsInputSchema.parse({ model: UPSCALE, sizePreset: "4k", referenceIds: ["img1"] });
    expect(up).toMatchObject({ prompt: "", sizePreset: "4k", numImages: 1, upscaleScale: 50, seed: null });
    expect(issues({ model: UPSCALE, sizePreset: "custom", width: 2000, height: 2000, referenceIds: ["a"] })).toEqual({
      sizePreset: "Upscale takes one of these sizes: 2K, 4K.",
    });
    expect(issues({ model: UPSCALE, referenceIds: ["a", "b"], numImages: 2, upscaleScale: 101 })).toEqual({
      numImages: "Upscale makes one image at a time.",
      referenceIds: "Upscale takes exactly 1 image; you gave 2.",
      upscaleScale: "The detail must be a whole number from 0 to 100.",
    });
  });

  it("stores fields a model does not take as their neutral value", () => {
    const next = settingsInputSchema.parse({ model: NEXT, prompt: "x", enableSafetyChecker: false, seed: 5 });
    expect(next).toMatchObject({ enableSafetyChecker: true, seed: 5, upscaleScale: null });
    expect(settingsInputSchema.parse({ model: UPSCALE, seed: 5, referenceIds: ["a"] }).seed).toBeNull();
  });

  it("round-trips every model's settings through the row and the input schema", () => {
    const all: GenerationSettings[] = [
      settingsInputSchema.parse({ model: EDIT, prompt: "x", referenceIds: refs(3), numImages: 2, seed: 4 }),
      settingsInputSchema.parse({
        model: NEXT,
        prompt: "x",
        sizePreset: "custom",
        width: 1600,
        height: 2400,
        numImages: 4,
      }),
      settingsInputSchema.parse({ model: UPSCALE, sizePreset: "4k", upscaleScale: 80, referenceIds: ["a"] }),
    ];
    for (const s of all) {
      expect(settingsFromRow(rowFromSettings(s))).toEqual(s);
      expect(settingsInputSchema.parse(s)).toEqual(s);
    }
  });

  it("maps to each model's request: exactly its fields", () => {
    const edit = settingsInputSchema.parse({ model: EDIT, prompt: "x", referenceIds: refs(3), seed: 4 });
    const urls = ["data:image/png;base64,AAAA", "data:image/png;base64,BBBB", "https://example.com/c.png"];
    expect(requestFromSettings(edit, urls)).toEqual({
      prompt: "x",
      image_size: "square_hd",
      seed: 4,
      num_images: 1,
      enable_safety_checker: true,
      sync_mode: false,
      image_urls: urls,
    });
    // 4.5: no num_images, no safety checker; one request per image, seed + index.
    const next = settingsInputSchema.parse({ model: NEXT, prompt: "x", numImages: 4, seed: 10, syncMode: true });
    expect(callCount(next)).toBe(4);
    expect(requestFromSettings(next, [], { index: 2 })).toEqual({
      prompt: "x",
      image_size: "2K",
      seed: 12,
      response_format: "b64_json",
    });
    // No seed asked: the generation's own fallback seed, so every image can be made again.
    const random = { ...next, seed: null, syncMode: false };
    expect(requestFromSettings(random, ["data:image/png;base64,AAAA"], { index: 1, fallbackSeed: 100 })).toEqual({
      prompt: "x",
      image_urls: ["data:image/png;base64,AAAA"],
      image_size: "2K",
      seed: 101,
    });
    const up = settingsInputSchema.parse({ model: UPSCALE, sizePreset: "4k", upscaleScale: 80, referenceIds: ["a"] });
    expect(callCount(up)).toBe(1);
    expect(requestFromSettings(up, ["data:image/jpeg;base64,AAAA"])).toEqual({
      image_url: "data:image/jpeg;base64,AAAA",
      resolution: "4k",
      scale: 80,
    });
  });

  it("derives each price from the provider's price: one credit per 15,750 provider credits, rounded up", () => {
    expect(MODELS.map((m) => [m.id, m.creditsPerImage])).toEqual([
      ["bytedance/seedream-v4-text-to-image", 4],
      [EDIT, 4],
      [NEXT, 6],
      ["bytedance/seedream-5-0-lite-preview", 6],
      [UPSCALE, 8],
    ]);
    for (const m of MODELS) expect(m.creditsPerImage).toBe(creditsForProviderPrice(m.providerCreditsPerImage));
  });
});

describe("status words", () => {
  it("are the same in the studio's cards and the history's filter", () => {
    expect(STATUS_LABELS).toEqual({
      queued: STATUS_WORDS.QUEUED,
      running: STATUS_WORDS.RUNNING,
      completed: STATUS_WORDS.COMPLETED,
      failed: STATUS_WORDS.FAILED,
    });
    expect(statusLabel("FAILED", 8)).toBe("Failed, refunded");
    expect(statusLabel("RUNNING", 0)).toBe("Generating");
  });
});

describe("configuration", () => {
  it("uses the API only when a key is configured", () => {
    expect(defaultSourceKind(parseEnv({ AIML_API_KEY: "k" }))).toBe("API");
    expect(defaultSourceKind(parseEnv({ AIML_API_KEY: "" }))).toBe("DEMO");
  });

  it("enforces the safety checker in production unless SAFETY_CHECKER says otherwise", () => {
    const production = { NODE_ENV: "production", AUTH_SECRET: "x".repeat(32), DATABASE_URL: "postgresql://x/y" };
    expect(safetyCheckerPolicy(parseEnv(production))).toBe("enforced");
    expect(safetyCheckerPolicy(parseEnv({ ...production, SAFETY_CHECKER: "user-choice" }))).toBe("user-choice");
    expect(safetyCheckerPolicy(parseEnv({ NODE_ENV: "development" }))).toBe("user-choice");
    expect(safetyCheckerPolicy(parseEnv({ NODE_ENV: "development", SAFETY_CHECKER: "enforced" }))).toBe("enforced");
    expect(() => parseEnv({ SAFETY_CHECKER: "off" })).toThrow(/SAFETY_CHECKER must be "enforced" or "user-choice"/);
  });
});
