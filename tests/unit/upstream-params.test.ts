import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "../../lib/env";
import { generationInputSchema, promptLength, resolveSize } from "../../lib/upstream/params";
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
  const result = generationInputSchema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("generation input", () => {
  it("fills the contract's defaults and trims the prompt", () => {
    expect(generationInputSchema.parse({ prompt: "  a fox in the snow \n" })).toEqual({
      model: "bytedance/seedream-v4-text-to-image",
      params: {
        prompt: "a fox in the snow",
        image_size: "square_hd",
        num_images: 1,
        enable_safety_checker: true,
        sync_mode: false,
      },
    });
  });

  it("reads a form post with a custom size, a seed and explicit switches", () => {
    const parsed = generationInputSchema.parse(
      fromForm(
        form({
          model: "bytedance/seedream-v4-text-to-image",
          prompt: "a lighthouse",
          image_size: "custom",
          width: "3000",
          height: "2000",
          seed: "42",
          num_images: "4",
          enable_safety_checker: "false",
          sync_mode: "on",
        }),
      ),
    );
    expect(parsed.params).toEqual({
      prompt: "a lighthouse",
      image_size: { width: 3000, height: 2000 },
      seed: 42,
      num_images: 4,
      enable_safety_checker: false,
      sync_mode: true,
    });
  });

  it("leaves the seed out when the field is blank", () => {
    const parsed = generationInputSchema.parse({ prompt: "x", seed: "", image_size: "portrait_16_9" });
    expect(parsed.params).not.toHaveProperty("seed");
    expect(parsed.params.image_size).toBe("portrait_16_9");
  });

  it("names each bad field with a message a person understands", () => {
    expect(issues({ prompt: "   " })).toEqual({ prompt: "Write a prompt." });
    expect(issues({ prompt: "x", model: "openai/dall-e-3" })).toEqual({ model: "Choose one of the studio's models." });
    expect(issues({ prompt: "x", image_size: "huge" })).toHaveProperty("image_size");
    expect(issues({ prompt: "x", image_size: "custom", width: "1023", height: "4097" })).toEqual({
      "image_size.width": "Width must be at least 1024 pixels.",
      "image_size.height": "Height must be at most 4096 pixels.",
    });
    expect(issues({ prompt: "x", image_size: "custom", width: "1500.5", height: "" })).toEqual({
      "image_size.width": "Width must be a whole number of pixels.",
      "image_size.height": "Enter a height.",
    });
    for (const seed of ["0", "-3", "1.5", "2147483648", "abc"]) {
      expect(issues({ prompt: "x", seed })).toEqual({ seed: "The seed must be a whole number from 1 to 2147483647." });
    }
    for (const n of ["0", "5", "2.5"])
      expect(issues({ prompt: "x", num_images: n })).toEqual({ num_images: "Choose 1 to 4 images." });
  });

  it("accepts the largest seed the database column holds", () => {
    expect(generationInputSchema.parse({ prompt: "x", seed: 2147483647 }).params.seed).toBe(2147483647);
  });

  it("counts prompt characters as code points, not UTF-16 units", () => {
    expect("🎨".length).toBe(2);
    expect(promptLength("🎨")).toBe(1);
    expect(generationInputSchema.safeParse({ prompt: "🎨".repeat(4000) }).success).toBe(true);
    expect(issues({ prompt: "🎨".repeat(4001) })).toEqual({
      prompt: "The prompt is too long: at most 4000 characters (this one has 4001).",
    });
    // e + combining acute is normalised to one character before counting.
    expect(generationInputSchema.parse({ prompt: "e\u0301".repeat(4000) }).params.prompt).toBe("é".repeat(4000));
  });

  it("can be combined with a caller's own fields", () => {
    const withKey = generationInputSchema.and(z.object({ idempotencyKey: z.string().min(8) }));
    expect(withKey.parse({ prompt: "x", idempotencyKey: "abcdefgh" })).toMatchObject({
      model: "bytedance/seedream-v4-text-to-image",
      params: { prompt: "x" },
      idempotencyKey: "abcdefgh",
    });
  });
});

describe("resolveSize", () => {
  it("gives pixel sizes and aspects for presets and custom sizes", () => {
    expect(resolveSize({ image_size: "landscape_16_9" })).toEqual({
      width: 2048,
      height: 1152,
      aspect: "16:9",
      preset: "landscape_16_9",
    });
    expect(resolveSize({ image_size: { width: 3000, height: 2000 } })).toEqual({
      width: 3000,
      height: 2000,
      aspect: "3:2",
      preset: null,
    });
    expect(resolveSize({ image_size: { width: 1025, height: 4096 } }).aspect).toBe("0.25:1");
  });
});

describe("defaultSourceKind", () => {
  it("uses the API only when a key is configured", () => {
    expect(defaultSourceKind(parseEnv({ AIML_API_KEY: "k" }))).toBe("API");
    expect(defaultSourceKind(parseEnv({ AIML_API_KEY: "" }))).toBe("DEMO");
  });
});
