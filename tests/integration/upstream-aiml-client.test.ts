import sharp from "sharp";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { requestFromSettings, type SettingsInput, settingsInputSchema } from "../../lib/generations/settings";
import { MODELS, type ModelRequest } from "../../lib/models";
import { type AimlClientOptions, createAimlClient, parseRetryAfter } from "../../lib/upstream/aiml-client";
import { UpstreamError } from "../../lib/upstream/types";
import { startFakeUpstream } from "../support/fake-upstream";

const MODEL = "bytedance/seedream-v4-text-to-image";
// Small images: these tests are about the protocol, not pixels.
const upstream = await startFakeUpstream({ scale: 1 / 64 });
afterAll(() => upstream.close());
beforeEach(() => upstream.resetCalls());

const logs: { message: string; fields: Record<string, unknown> }[] = [];
function client(overrides: Partial<AimlClientOptions> = {}) {
  return createAimlClient({
    apiKey: "test-key",
    baseUrl: upstream.url,
    timeoutMs: 5_000,
    maxRetries: 2,
    backoffMs: 10,
    log: (message, fields) => logs.push({ message, fields }),
    ...overrides,
  });
}

function params(prompt: string, extra: Record<string, unknown> = {}): ModelRequest {
  return { prompt, image_size: "square", num_images: 1, enable_safety_checker: true, sync_mode: false, ...extra };
}

async function pngDataUrl(width: number, height: number, background = "#336699"): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

/** Posts a body straight to the fake, as a client that does not follow the contract would. */
async function rawPost(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${upstream.url}/v1/images/generations`, {
    method: "POST",
    headers: { authorization: "Bearer test-key", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("AI/ML API client against the local upstream", () => {
  it("sends the contract's body with the key and reads the documented shape", async () => {
    const result = await client().generate(MODEL, params("a fox", { seed: 7, num_images: 3 }), {});
    expect(result.images).toHaveLength(3);
    expect(result.images.every((i) => i.kind === "url" && i.url.startsWith(upstream.url))).toBe(true);
    expect(result).toMatchObject({ seed: 7, tokensUsed: 189_000, requestId: expect.stringMatching(/^fake-\d+$/) });
    expect(result.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(upstream.requests()).toEqual([
      {
        authorization: "Bearer test-key",
        body: {
          model: MODEL,
          prompt: "a fox",
          image_size: "square",
          seed: 7,
          num_images: 3,
          enable_safety_checker: true,
          sync_mode: false,
        },
      },
    ]);
  });

  it("returns the seed the provider picked when none was sent", async () => {
    const result = await client().generate(MODEL, params("no seed"), {});
    expect(result.seed).toEqual(expect.any(Number));
  });

  it("takes image bytes from b64_json in sync mode", async () => {
    const result = await client().generate(MODEL, params("sync", { sync_mode: true, num_images: 2 }), {});
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.kind).toBe("bytes");
      if (image.kind === "bytes") expect(image.bytes.subarray(1, 4).toString()).toBe("PNG");
    }
  });

  it("reads the alternate shape: images[] with credits_used", async () => {
    const result = await client().generate(MODEL, params("[[alt-shape]]", { num_images: 2, seed: 5 }), {});
    expect(result.images).toHaveLength(2);
    expect(result).toMatchObject({ seed: 5, tokensUsed: 126_000 });
  });

  it("reads data[] and images[] together once, as in the published example", async () => {
    const result = await client().generate(MODEL, params("[[both-shapes]]", { num_images: 2 }), {});
    expect(result.images).toHaveLength(2);
  });

  it("returns fewer images when the provider sends fewer", async () => {
    const result = await client().generate(MODEL, params("[[partial:1]]", { num_images: 4 }), {});
    expect(result.images).toHaveLength(1);
    expect(result.tokensUsed).toBe(63_000);
  });

  it("blames the safety checker for no images only when the provider says so", async () => {
    const blocked = await failure(client().generate(MODEL, params("[[blocked]]"), {}));
    expect(blocked.code).toBe("content_blocked");
    // `data: []` with no reason, the safety checker on: "no images came back", not "reword it".
    const empty = await failure(client().generate(MODEL, params("[[empty]]"), {}));
    expect(empty.code).toBe("no_images");
    expect(empty.userMessage).toMatch(/No images came back/);
    expect(empty.userMessage).not.toMatch(/safety|reword/i);
  });

  it.each([
    ["[[malformed]]", "HTML"],
    ["[[malformed:json]]", "JSON of the wrong shape"],
  ])("rejects a 2xx body that is not the documented JSON (%s: %s)", async (prompt) => {
    const error = await failure(client().generate(MODEL, params(prompt), {}));
    expect(error.code).toBe("malformed_response");
    expect(upstream.calls()).toBe(1);
  });

  it.each([
    [400, "invalid_request"],
    [401, "unauthorized"],
    [403, "provider_out_of_credits"],
    [422, "invalid_request"],
  ] as const)("does not retry %i and maps it to %s", async (status, code) => {
    const error = await failure(client().generate(MODEL, params(`[[status:${status}]]`), {}));
    expect(error.code).toBe(code);
    expect(error.details.status).toBe(status);
    expect(error.details.requestId).toMatch(/^fake-\d+$/);
    expect(upstream.calls()).toBe(1);
  });

  it("never sends a body outside the model's contract: the registry's schema stops it before any call", async () => {
    const call = client().generate(MODEL, params("too wide", { image_size: { width: 5000, height: 1024 } }), {});
    await expect(call).rejects.not.toBeInstanceOf(UpstreamError);
    await expect(
      client().generate(MODEL, params("x", { image_urls: ["https://a.example/b.png"] }), {}),
    ).rejects.toThrow();
    expect(upstream.calls()).toBe(0);
  });

  it("maps a wrong key to unauthorized with a message that names no provider detail", async () => {
    const error = await failure(client({ apiKey: "wrong" }).generate(MODEL, params("x"), {}));
    expect(error.code).toBe("unauthorized");
    expect(error.userMessage).not.toMatch(/401|key|Bearer|aiml/i);
    expect(JSON.stringify(logs)).not.toContain("wrong");
  });

  it("never puts the key in errors or logs", async () => {
    logs.length = 0;
    const secret = "test-key";
    for (const prompt of ["[[status:500]]", "[[malformed]]", "[[status:401]]"]) {
      const error = await failure(client().generate(MODEL, params(prompt), {}));
      expect(`${error.message} ${error.userMessage} ${JSON.stringify(error.details)}`).not.toContain(secret);
    }
    expect(JSON.stringify(logs)).not.toContain(secret);
  });

  it.each([429, 500, 502, 503])("retries %i a bounded number of times", async (status) => {
    const error = await failure(client({ maxRetries: 2 }).generate(MODEL, params(`[[status:${status}]]`), {}));
    expect(error.code).toBe(status === 429 ? "rate_limited" : "provider_error");
    expect(upstream.calls()).toBe(3);
  });

  it("succeeds when a retry does", async () => {
    const result = await client().generate(MODEL, params("[[fail-once:503]] retry me"), {});
    expect(result.images).toHaveLength(1);
    expect(upstream.calls()).toBe(2);
  });

  it("retries a connection reset before any answer", async () => {
    const result = await client().generate(MODEL, params("[[fail-once:reset]] reset me"), {});
    expect(result.images).toHaveLength(1);
    expect(upstream.calls()).toBe(2);
  });

  it("retries a refused connection, then reports a network error", async () => {
    const closed = await startFakeUpstream();
    await closed.close();
    const error = await failure(client({ baseUrl: closed.url }).generate(MODEL, params("x"), {}));
    expect(error.code).toBe("network");
    expect(logs.filter((l) => l.message === "retrying").length).toBeGreaterThanOrEqual(2);
  });

  it("honours Retry-After in seconds", async () => {
    const started = Date.now();
    const result = await client().generate(MODEL, params("[[fail-once:429]] [[retry-after:1]] wait"), {});
    expect(result.images).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const started = Date.now();
    await client().generate(MODEL, params("[[fail-once:503]] [[retry-after-date:2]] wait"), {});
    // HTTP dates have one-second resolution: the wait is between one and two seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(upstream.calls()).toBe(2);
  });

  it("does not wait for a Retry-After beyond its limit", async () => {
    const error = await failure(
      client({ maxRetryAfterMs: 1_000 }).generate(MODEL, params("[[status:429]] [[retry-after:120]]"), {}),
    );
    expect(error.code).toBe("rate_limited");
    expect(error.details.retryAfterMs).toBe(120_000);
    expect(upstream.calls()).toBe(1);
  });

  it("does not retry a 504: the provider may still be generating, and charging", async () => {
    const error = await failure(client().generate(MODEL, params("[[status:504]]"), {}));
    expect(error.code).toBe("provider_timeout");
    expect(upstream.calls()).toBe(1);
  });

  it("times out a hanging call and does not retry it", async () => {
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).generate(MODEL, params("[[hang]]"), {}));
    expect(error.code).toBe("provider_timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(upstream.calls()).toBe(1);
  });

  it("times out a slow answer", async () => {
    const error = await failure(client({ timeoutMs: 200 }).generate(MODEL, params("[[slow:1000]]"), {}));
    expect(error.code).toBe("provider_timeout");
  });

  it("stops at once when the caller aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const call = client().generate(MODEL, params("[[hang]]"), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("deadline")), 100);
    await expect(call).rejects.toThrow("deadline");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores nonsense", () => {
    const now = Date.parse("2026-11-25T20:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 20:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 19:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

// Each model's fields as ../shared/api/models.md lists them (written out here, not read from the registry).
const DOCUMENTED_FIELDS: Record<string, string[]> = {
  "bytedance/seedream-v4-text-to-image": [
    "model",
    "prompt",
    "image_size",
    "seed",
    "num_images",
    "enable_safety_checker",
    "sync_mode",
  ],
  "bytedance/seedream-v4-edit": [
    "model",
    "prompt",
    "image_urls",
    "image_size",
    "seed",
    "num_images",
    "enable_safety_checker",
    "sync_mode",
  ],
  "bytedance/seedream-4-5": ["model", "prompt", "image_urls", "image_size", "seed", "watermark", "response_format"],
  "bytedance/seedream-5-0-lite-preview": [
    "model",
    "prompt",
    "image_urls",
    "image_size",
    "seed",
    "watermark",
    "response_format",
  ],
  "bytedance/dreamina-creative-upscale": ["model", "image_url", "resolution", "scale", "response_format"],
};

describe("every model of the registry, against a fake that speaks each contract", () => {
  it("sends exactly each model's fields, and the fake accepts them", async () => {
    const reference = await pngDataUrl(40, 30);
    for (const model of MODELS) {
      upstream.resetCalls();
      const refs = model.references?.min ? ["ref1"] : [];
      const input: SettingsInput = { model: model.id, prompt: "a heron", referenceIds: refs, seed: 3, syncMode: true };
      const settings = settingsInputSchema.parse(input);
      const request = requestFromSettings(
        settings,
        refs.map(() => reference),
      );
      const result = await client().generate(model.id, request, {});
      expect(result.images, model.id).toHaveLength(1);
      const [sent] = upstream.requests();
      expect(sent?.body, model.id).toEqual({ model: model.id, ...request });
      const documented = DOCUMENTED_FIELDS[model.id];
      expect(documented, `${model.id} is documented in this test`).toBeDefined();
      for (const field of Object.keys(sent?.body as object))
        expect(documented, `${model.id}: ${field}`).toContain(field);
      expect(result.tokensUsed, model.id).toBe(model.providerCreditsPerImage);
    }
  });

  it("an edit with 3 references sends 3 data URLs", async () => {
    const urls = [
      await pngDataUrl(32, 32, "#ff0000"),
      await pngDataUrl(32, 48, "#00ff00"),
      await pngDataUrl(48, 32, "#0000ff"),
    ];
    const settings = settingsInputSchema.parse({
      model: "bytedance/seedream-v4-edit",
      prompt: "put the three together",
      referenceIds: ["a", "b", "c"],
      numImages: 2,
    });
    const result = await client().generate(settings.model, requestFromSettings(settings, urls), {});
    expect(result.images).toHaveLength(2);
    const body = upstream.requests()[0]?.body as { image_urls: string[]; num_images: number };
    expect(body.image_urls).toEqual(urls);
    expect(body.image_urls.every((u) => u.startsWith("data:image/png;base64,"))).toBe(true);
    expect(body.num_images).toBe(2);
  });

  it("an upscale sends one image_url within the limits, and no prompt", async () => {
    const image = await pngDataUrl(300, 200);
    const settings = settingsInputSchema.parse({
      model: "bytedance/dreamina-creative-upscale",
      sizePreset: "4k",
      upscaleScale: 30,
      referenceIds: ["a"],
    });
    const result = await client().generate(settings.model, requestFromSettings(settings, [image]), {});
    expect(result.images).toHaveLength(1);
    expect(result.tokensUsed).toBe(120_000);
    expect(upstream.requests()[0]?.body).toEqual({
      model: "bytedance/dreamina-creative-upscale",
      image_url: image,
      resolution: "4k",
      scale: 30,
    });
  });

  it("the fake refuses what a model does not take, with the provider's error body", async () => {
    const refused = [
      // 4.5 has no num_images: the client must make one call per image instead.
      { model: "bytedance/seedream-4-5", prompt: "x", num_images: 4 },
      { model: "bytedance/seedream-4-5", prompt: "x", enable_safety_checker: true },
      { model: "bytedance/seedream-4-5", prompt: "x", image_size: { width: 1024, height: 2048 } },
      { model: "bytedance/seedream-v4-text-to-image", prompt: "x", image_urls: ["https://a.example/b.png"] },
      { model: "bytedance/seedream-v4-edit", prompt: "x" },
      {
        model: "bytedance/seedream-v4-edit",
        prompt: "x",
        image_urls: Array.from({ length: 11 }, () => "https://a.example/b.png"),
      },
      { model: "bytedance/dreamina-creative-upscale", image_url: await pngDataUrl(10, 10), prompt: "x" },
      { model: "bytedance/dreamina-creative-upscale", image_url: await pngDataUrl(10, 10), scale: 101 },
      { model: "bytedance/dreamina-creative-upscale", image_url: await pngDataUrl(4100, 16) },
      { model: "bytedance/dreamina-creative-upscale", image_url: "data:image/webp;base64,UklGRg==" },
      { model: "openai/dall-e-3", prompt: "x" },
    ];
    for (const body of refused) {
      const answer = await rawPost(body);
      expect(answer.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(answer.body).toMatchObject({
        statusCode: 400,
        path: "/v1/images/generations",
        message: expect.stringMatching(/^Validation failed/),
      });
    }
    // The same bodies without the fields the models do not take are accepted.
    expect((await rawPost({ model: "bytedance/seedream-4-5", prompt: "x" })).status).toBe(200);
  });
});
