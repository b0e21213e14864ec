import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type GenerationSettings, requestFromSettings } from "../../lib/generations/settings";
import type { ModelRequest } from "../../lib/models";
import { createDemoSource } from "../../lib/upstream/demo-source";
import type { SourceResult } from "../../lib/upstream/types";

const MODEL = "bytedance/seedream-v4-text-to-image";
const demo = createDemoSource({ durationMs: 0 });

function params(extra: Record<string, unknown> = {}): ModelRequest {
  return {
    prompt: "a fox",
    image_size: "square",
    num_images: 1,
    enable_safety_checker: true,
    sync_mode: false,
    ...extra,
  };
}

function bytesOf(result: SourceResult): Buffer[] {
  return result.images.map((image) => {
    if (image.kind !== "bytes") throw new Error("the demo source returns bytes");
    return image.bytes;
  });
}

describe("demo source", () => {
  it("gives byte-identical images for the same prompt and seed", async () => {
    const a = await demo.generate(MODEL, params({ seed: 42, num_images: 2 }), {});
    const b = await demo.generate(MODEL, params({ seed: 42, num_images: 2 }), {});
    expect(bytesOf(a)).toEqual(bytesOf(b));
    expect(a.seed).toBe(42);
    // The images of one generation differ from each other.
    expect(bytesOf(a)[0]?.equals(bytesOf(a)[1] ?? Buffer.alloc(0))).toBe(false);
  });

  it("gives different images for another seed or another prompt", async () => {
    const [base] = bytesOf(await demo.generate(MODEL, params({ seed: 1 }), {}));
    const [otherSeed] = bytesOf(await demo.generate(MODEL, params({ seed: 2 }), {}));
    const [otherPrompt] = bytesOf(await demo.generate(MODEL, params({ seed: 1, prompt: "a wolf" }), {}));
    expect(base?.equals(otherSeed ?? Buffer.alloc(0))).toBe(false);
    expect(base?.equals(otherPrompt ?? Buffer.alloc(0))).toBe(false);
  });

  it("honours the size and the number of images, as real PNGs", async () => {
    const result = await demo.generate(MODEL, params({ image_size: { width: 1280, height: 1024 }, num_images: 3 }), {});
    expect(result.images).toHaveLength(3);
    for (const bytes of bytesOf(result)) {
      expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 1280, height: 1024 });
    }
    const preset = await demo.generate(MODEL, params({ image_size: "portrait_16_9" }), {});
    expect(await sharp(bytesOf(preset)[0]).metadata()).toMatchObject({ width: 1152, height: 2048 });
  });

  it("picks and returns a seed when none is given, which then reproduces the image", async () => {
    const first = await demo.generate(MODEL, params(), {});
    expect(first.seed).toEqual(expect.any(Number));
    expect(first.seed).toBeGreaterThanOrEqual(1);
    expect(first.seed).toBeLessThanOrEqual(2_147_483_647);
    const again = await demo.generate(MODEL, params({ seed: first.seed ?? 0 }), {});
    expect(bytesOf(again)).toEqual(bytesOf(first));
  });

  it("takes the configured time, and stops when aborted", async () => {
    const slow = createDemoSource({ durationMs: 400 });
    const started = Date.now();
    const result = await slow.generate(MODEL, params({ seed: 3 }), {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(result.upstreamMs).toBeGreaterThanOrEqual(390);

    const controller = new AbortController();
    const call = createDemoSource({ durationMs: 10_000 }).generate(MODEL, params({ seed: 3 }), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(call).rejects.toThrow("stop");
  });

  it("serves every model of the registry from its request", async () => {
    const red = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 48, height: 64, channels: 3, background: "#0000ff" } })
      .png()
      .toBuffer();
    const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;
    const settings = (s: Partial<GenerationSettings>) => ({ ...DEFAULT_SETTINGS, prompt: "a fox", ...s });

    // Edit: a composite of its references (red left, blue right), tinted, at the asked size.
    const editSettings = settings({
      model: "bytedance/seedream-v4-edit",
      sizePreset: "square",
      width: 1024,
      height: 1024,
      seed: 5,
    });
    const edit = await demo.generate(
      editSettings.model,
      requestFromSettings(editSettings, [dataUrl(red), dataUrl(blue)]),
      {},
    );
    const [edited] = bytesOf(edit);
    expect(await sharp(edited).metadata()).toMatchObject({ format: "png", width: 1024, height: 1024 });
    const pixel = async (x: number) => {
      const { data } = await sharp(edited)
        .extract({ left: x, top: 512, width: 1, height: 1 })
        .raw()
        .toBuffer({ resolveWithObject: true });
      return [...data];
    };
    const [left, right] = [await pixel(100), await pixel(900)];
    expect(left).not.toEqual(right);
    expect((left[0] ?? 0) > (left[2] ?? 0)).toBe(true); // still reddish
    expect((right[2] ?? 0) > (right[0] ?? 0)).toBe(true); // still bluish
    // Deterministic, like every demo answer.
    const again = await demo.generate(
      editSettings.model,
      requestFromSettings(editSettings, [dataUrl(red), dataUrl(blue)]),
      {},
    );
    expect(bytesOf(again)).toEqual([edited]);

    // Seedream 4.5: one plain render per call, "2K" is 2048 square.
    const next = settings({ model: "bytedance/seedream-4-5", sizePreset: "2K", width: 2048, height: 2048, seed: 8 });
    const render = await demo.generate(next.model, requestFromSettings(next, []), {});
    expect(render.images).toHaveLength(1);
    expect(await sharp(bytesOf(render)[0]).metadata()).toMatchObject({ width: 2048, height: 2048 });

    // Upscale: the one image, its longer side at the chosen resolution; no seed.
    const up = settings({
      model: "bytedance/dreamina-creative-upscale",
      prompt: "",
      sizePreset: "2k",
      upscaleScale: 50,
      seed: null,
    });
    const upscaled = await demo.generate(up.model, requestFromSettings(up, [dataUrl(red)]), {});
    expect(upscaled.seed).toBeNull();
    expect(await sharp(bytesOf(upscaled)[0]).metadata()).toMatchObject({ width: 2048, height: 1536 });
  });

  it("is labelled DEMO and reports no provider usage", async () => {
    const result = await demo.generate(MODEL, params({ seed: 9 }), {});
    expect(demo.kind).toBe("DEMO");
    expect(result).toMatchObject({ tokensUsed: null, requestId: null });
  });
});
