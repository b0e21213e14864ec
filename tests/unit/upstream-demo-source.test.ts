import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { GenerationParams } from "../../lib/generations/settings";
import { createDemoSource } from "../../lib/upstream/demo-source";
import type { SourceResult } from "../../lib/upstream/types";

const MODEL = "bytedance/seedream-v4-text-to-image";
const demo = createDemoSource({ durationMs: 0 });

function params(extra: Partial<GenerationParams> = {}): GenerationParams {
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

  it("is labelled DEMO and reports no provider usage", async () => {
    const result = await demo.generate(MODEL, params({ seed: 9 }), {});
    expect(demo.kind).toBe("DEMO");
    expect(result).toMatchObject({ tokensUsed: null, requestId: null });
  });
});
