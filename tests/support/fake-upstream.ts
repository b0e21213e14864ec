// A local stand-in for the AI/ML API (POST /v1/images/generations, contract in ../shared/api),
// with faults chosen per request by markers written into the prompt. Used by the integration
// tests and, started on port 3901, by the end-to-end stack:
//
//   tsx tests/support/fake-upstream.ts --port 3901 [--key test-key] [--latency 200] [--scale 0.125] [--same-image]
//
// Every request must carry `Authorization: Bearer <key>` (default key "test-key") and a body its
// model's contract allows, else 401 / 400 with the provider's error body {message, path,
// requestId, statusCode, timestamp}. Each model has its own strict schema, written here from
// ../shared/api/models.md and NOT taken from the studio's registry, so a field the model does not
// take, a missing required one or a value out of its range is refused as the provider would:
//   seedream-v4-text-to-image  prompt ≤ 4000, image_size preset | {width,height} 1024-4096,
//                              seed ≥ 1, num_images 1-4, enable_safety_checker, sync_mode
//   seedream-v4-edit           the same + image_urls (required, 1-10, https or data URL)
//   seedream-4-5, 5-0-lite-preview  prompt, image_urls (optional, 1-14), image_size "2K" | "4K" |
//                              {width,height} 1440-4096, seed, watermark, response_format; no num_images
//   dreamina-creative-upscale  image_url (required, https or a JPEG/PNG data URL ≤ 4.7 MB and
//                              ≤ 4096×4096), resolution "2k" | "4k", scale 0-100, response_format
// A good request gets its images (`num_images` for 4.0, else one): links to PNGs this server renders
// on demand (one flat colour derived from prompt, seed and index; `scale` shrinks them for speed,
// default 1 = the requested size), or `b64_json` when `sync_mode` is true or `response_format` is
// "b64_json". Seeds: the one sent, else a random one, returned as top-level `seed` (not by the
// upscaler). Usage: each model's price per image, as `meta.usage.tokens_used` for 4.0 and
// `credits_used` for the others (the upscaler adds `usd_spent`).
// `sameImage` (benchmarks) serves one PNG per size, rendered once: rendering is the provider's
// work, not the studio's, and must not compete for the cores the studio is measured on.
//
// Markers (any number, anywhere in the prompt):
//   [[status:NNN]]        answer NNN with an error body, every time
//   [[fail-once:NNN]]     the first call with this exact prompt answers NNN, later ones succeed
//   [[fail-once:reset]]   the first call with this exact prompt has its connection reset
//   [[reset]]             reset the connection without answering, every time
//   [[retry-after:S]]     add `Retry-After: S` (seconds) to error answers
//   [[retry-after-date:S]] add `Retry-After` as an HTTP date S seconds ahead
//   [[hang]]              never answer (the client must time out)
//   [[slow:MS]]           wait MS milliseconds before answering
//   [[malformed]]         200 with an HTML body;  [[malformed:json]] 200 with JSON of the wrong shape
//   [[blocked]]           200 with no images and `has_nsfw_concepts: [true, ...]` (the safety checker says so)
//   [[empty]]             200 with `data: []` and no reason given
//   [[partial:N]]         only N of the images asked for
//   [[alt-shape]]         `images[]` with file metadata + `meta.usage.credits_used` + header
//                         x-aimlapi-credits-used, instead of `data[]` + `meta.usage.tokens_used`
//   [[both-shapes]]       `data[]` and `images[]` together, as in the provider's published example
//   [[unsafe-link]]       image links to http://169.254.169.254/... (cloud metadata address)
//   [[redirect]]          image links redirect (302) to the image on the same host
//   [[redirect-offsite]]  image links redirect to another host name (localhost instead of 127.0.0.1)
//   [[not-image]]         image links serve HTML while claiming Content-Type image/png
//   [[chunked]]           image links are served without Content-Length
//   [[slow-files:MS]]     image links wait MS milliseconds before serving (a download in progress)
//   [[hang-calls:A,B]]    the A-th and B-th requests with this exact prompt (counting from 1) never
//                         answer; the others answer (several calls of one generation share a prompt)
//
// The handle's calls() counts generation requests (POST /v1/images/generations) since start or
// resetCalls(); requests() returns their parsed bodies and Authorization headers.
import { createHash, randomInt } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { z } from "zod";

export type FakeUpstreamOptions = {
  port?: number;
  apiKey?: string;
  /** Added to every generation request. */
  latencyMs?: number;
  /** Rendered images are this fraction of the requested size (min 16 px); 1 = exact size. */
  scale?: number;
  /** Every image of one size is the same PNG, rendered once (benchmarks). */
  sameImage?: boolean;
};

export type RecordedRequest = { authorization: string | undefined; body: unknown };

export type FakeUpstream = {
  url: string;
  port: number;
  close(): Promise<void>;
  calls(): number;
  resetCalls(): void;
  requests(): RecordedRequest[];
};

const ENDPOINT = "/v1/images/generations";

const V4_PRESETS = {
  square_hd: { width: 2048, height: 2048 },
  square: { width: 1024, height: 1024 },
  portrait_4_3: { width: 1536, height: 2048 },
  portrait_16_9: { width: 1152, height: 2048 },
  landscape_4_3: { width: 2048, height: 1536 },
  landscape_16_9: { width: 2048, height: 1152 },
} as const;
type V4Preset = keyof typeof V4_PRESETS;
const v4PresetNames = Object.keys(V4_PRESETS) as [V4Preset, ...V4Preset[]];

/** An image the provider can take: an https link, or a base64 data URL whose bytes are an image. */
const imageReference = (types: readonly string[]) =>
  z.string().refine(
    (value) => {
      if (value.startsWith("https://")) return true;
      const data = dataUrl(value);
      return data !== null && types.includes(data.type);
    },
    `must be an https URL or a base64 data URL of ${types.join(" or ")}`,
  );

const ANY_IMAGE = ["png", "jpeg", "webp"];
// Counted in UTF-16 units, as the provider's server may count (the stricter of the two readings).
const prompt4000 = z.string().max(4000, "prompt must be at most 4000 characters");
const v4Dimension = z.number().min(1024).max(4096);
const v4Fields = {
  prompt: prompt4000,
  image_size: z.union([z.enum(v4PresetNames), z.strictObject({ width: v4Dimension, height: v4Dimension })]).optional(),
  seed: z.number().int().min(1).optional(),
  num_images: z.number().int().min(1).max(4).optional(),
  enable_safety_checker: z.boolean().optional(),
  sync_mode: z.boolean().optional(),
};
const nextDimension = z.number().int().min(1440).max(4096);
const responseFormat = z.enum(["url", "b64_json"]).optional();
const UPSCALE_MAX_BYTES = 4.7 * 1000 * 1000;

/** What the rest of the fake needs of any model's request. */
type GenerationRequest = {
  prompt: string;
  asked: number;
  size: { width: number; height: number };
  seed: number | null;
  inline: boolean;
  price: number;
  usage: "tokens_used" | "credits_used" | "usd_spent";
};
type FakeModel = {
  schema: z.ZodType;
  read(body: unknown): GenerationRequest;
};

function fakeModel<S extends z.ZodType>(schema: S, read: (body: z.output<S>) => GenerationRequest): FakeModel {
  return { schema, read: (body) => read(body as z.output<S>) };
}

const randomSeed = () => randomInt(1, 2 ** 31 - 1);

function seedreamV4(id: string, edit: boolean): FakeModel {
  const schema = z.strictObject({
    model: z.literal(id),
    ...v4Fields,
    ...(edit
      ? {
          prompt: prompt4000.min(1, "prompt is required"),
          image_urls: z.array(imageReference(ANY_IMAGE)).min(1).max(10),
        }
      : {}),
  });
  return fakeModel(schema, (body) => {
    const size = body.image_size ?? "square_hd";
    return {
      prompt: body.prompt,
      asked: body.num_images ?? 1,
      size: typeof size === "string" ? V4_PRESETS[size] : size,
      seed: body.seed ?? randomSeed(),
      inline: body.sync_mode === true,
      price: 63_000,
      usage: "tokens_used",
    };
  });
}

function seedreamNext(id: string, price: number): FakeModel {
  const schema = z.strictObject({
    model: z.literal(id),
    prompt: z.string().min(1, "prompt is required"),
    image_urls: z.array(imageReference(ANY_IMAGE)).min(1).max(14).optional(),
    image_size: z
      .union([z.enum(["2K", "4K"]), z.strictObject({ width: nextDimension, height: nextDimension })])
      .optional(),
    seed: z.number().int().optional(),
    watermark: z.boolean().optional(),
    response_format: responseFormat,
  });
  return fakeModel(schema, (body) => {
    const size = body.image_size ?? { width: 2048, height: 2048 };
    const side = size === "4K" ? 4096 : 2048;
    return {
      prompt: body.prompt,
      asked: 1,
      size: typeof size === "string" ? { width: side, height: side } : size,
      seed: body.seed ?? randomSeed(),
      inline: body.response_format === "b64_json",
      price,
      usage: "credits_used",
    };
  });
}

const upscale = fakeModel(
  z.strictObject({
    model: z.literal("bytedance/dreamina-creative-upscale"),
    image_url: imageReference(["png", "jpeg"]).refine(async (value) => {
      const data = dataUrl(value);
      if (!data) return true;
      if (data.bytes.length > UPSCALE_MAX_BYTES) return false;
      const meta = await sharp(data.bytes)
        .metadata()
        .catch(() => null);
      return meta !== null && (meta.width ?? 0) <= 4096 && (meta.height ?? 0) <= 4096;
    }, "image_url must be at most 4.7 MB and 4096x4096"),
    resolution: z.enum(["2k", "4k"]).optional(),
    scale: z.number().int().min(0).max(100).optional(),
    response_format: responseFormat,
  }),
  (body) => {
    const side = body.resolution === "4k" ? 4096 : 2048;
    return {
      prompt: "",
      asked: 1,
      size: { width: side, height: side },
      seed: null,
      inline: body.response_format === "b64_json",
      price: 120_000,
      usage: "usd_spent",
    };
  },
);

const MODELS: Readonly<Record<string, FakeModel>> = {
  "bytedance/seedream-v4-text-to-image": seedreamV4("bytedance/seedream-v4-text-to-image", false),
  "bytedance/seedream-v4-edit": seedreamV4("bytedance/seedream-v4-edit", true),
  "bytedance/seedream-4-5": seedreamNext("bytedance/seedream-4-5", 84_000),
  "bytedance/seedream-5-0-lite-preview": seedreamNext("bytedance/seedream-5-0-lite-preview", 91_000),
  "bytedance/dreamina-creative-upscale": upscale,
};

function dataUrl(value: string): { type: string; bytes: Buffer } | null {
  const match = /^data:image\/([a-z]+);base64,([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { type: match[1], bytes: Buffer.from(match[2], "base64") };
}

type FileSpec = { width: number; height: number; color: string; kind: "png" | "html" | "chunked"; delayMs: number };

type Markers = Map<string, string>;

function parseMarkers(prompt: string): Markers {
  const markers: Markers = new Map();
  for (const match of prompt.matchAll(/\[\[([a-z-]+)(?::([^\]]*))?\]\]/g)) {
    if (match[1]) markers.set(match[1], match[2] ?? "");
  }
  return markers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const apiKey = options.apiKey ?? "test-key";
  const scale = options.scale ?? 1;
  const files = new Map<string, FileSpec>();
  const rendered = new Map<string, Promise<Buffer>>();
  const renderOf = (spec: FileSpec) => {
    if (!options.sameImage) return render(spec);
    const key = `${spec.width}x${spec.height}`;
    const png = rendered.get(key) ?? render({ ...spec, color: "#5b6f8a" });
    rendered.set(key, png);
    return png;
  };
  const failedOnce = new Set<string>();
  const callsByPrompt = new Map<string, number>();
  const sockets = new Set<Socket>();
  let recorded: RecordedRequest[] = [];
  let callCount = 0;
  let requestCounter = 0;
  let base = "";

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("fake upstream:", error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", base);
    if (req.method === "POST" && url.pathname === ENDPOINT) return generation(req, res);
    if (req.method === "GET" && url.pathname === "/health") return json(res, 200, { status: "ok" });
    const file = /^\/files\/([a-f0-9]+)\.png$/.exec(url.pathname);
    if (req.method === "GET" && file?.[1]) return serveFile(res, file[1]);
    const redirect = /^\/(redirect|redirect-offsite)\/([a-f0-9]+)$/.exec(url.pathname);
    if (req.method === "GET" && redirect?.[2]) {
      const target =
        redirect[1] === "redirect"
          ? `/files/${redirect[2]}.png`
          : `${base.replace("127.0.0.1", "localhost")}/files/${redirect[2]}.png`;
      res.writeHead(302, { location: target }).end();
      return;
    }
    errorBody(res, 404, "Not found", url.pathname);
  }

  async function generation(req: IncomingMessage, res: ServerResponse) {
    callCount++;
    const requestId = `fake-${++requestCounter}`;
    const raw = await readBody(req);
    if (options.latencyMs) await sleep(options.latencyMs);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return errorBody(res, 401, "Unauthorized: invalid API key", ENDPOINT, requestId);
    }
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(raw);
    } catch {
      return errorBody(res, 400, "Body is not valid JSON", ENDPOINT, requestId);
    }
    recorded.push({ authorization: req.headers.authorization, body: parsedJson });
    const modelId = z.object({ model: z.string() }).safeParse(parsedJson);
    const model = modelId.success && Object.hasOwn(MODELS, modelId.data.model) ? MODELS[modelId.data.model] : undefined;
    if (!model) {
      return errorBody(
        res,
        400,
        `Validation failed: model must be one of ${Object.keys(MODELS).join(", ")}`,
        ENDPOINT,
        requestId,
      );
    }
    const parsed = await model.schema.safeParseAsync(parsedJson);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return errorBody(res, 400, `Validation failed: ${issue?.path.join(".")} ${issue?.message}`, ENDPOINT, requestId);
    }
    const body = model.read(parsed.data);
    const markers = parseMarkers(body.prompt);
    const ordinal = (callsByPrompt.get(body.prompt) ?? 0) + 1;
    callsByPrompt.set(body.prompt, ordinal);
    const hangCalls = markers.get("hang-calls")?.split(",").map(Number) ?? [];
    if (hangCalls.includes(ordinal)) return; // never answers, like [[hang]]

    const slow = Number(markers.get("slow"));
    if (Number.isFinite(slow) && slow > 0) await sleep(slow);
    if (markers.has("hang")) return; // the socket stays open until the client gives up or close()

    let failure = markers.get("status");
    if (markers.has("fail-once") && !failedOnce.has(body.prompt)) {
      failedOnce.add(body.prompt);
      failure = markers.get("fail-once");
    }
    if (markers.has("reset") || failure === "reset") {
      req.socket.destroy();
      return;
    }
    if (failure) {
      const headers: Record<string, string> = {};
      const after = markers.get("retry-after");
      if (after !== undefined) headers["retry-after"] = after;
      const afterDate = markers.get("retry-after-date");
      if (afterDate !== undefined)
        headers["retry-after"] = new Date(Date.now() + Number(afterDate) * 1000).toUTCString();
      return errorBody(res, Number(failure), `Injected failure ${failure}`, ENDPOINT, requestId, headers);
    }

    const malformed = markers.get("malformed");
    if (malformed === "json") return json(res, 200, { data: "not a list", meta: null });
    if (malformed !== undefined) {
      res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Bad gateway</body></html>");
      return;
    }

    const { seed, asked } = body;
    const partial = Number(markers.get("partial"));
    const count =
      markers.has("blocked") || markers.has("empty")
        ? 0
        : Number.isInteger(partial) && partial >= 0
          ? Math.min(partial, asked)
          : asked;
    const items = await Promise.all(
      Array.from({ length: count }, (_, index) => imageItem(body, markers, seed, index, body.size)),
    );
    const tokens = body.price * count;
    const headers = { "x-request-id": requestId };
    const seedField = seed === null ? {} : { seed };
    if (markers.has("alt-shape")) {
      return json(
        res,
        200,
        { images: items, ...seedField, meta: { usage: { credits_used: tokens } } },
        {
          ...headers,
          "x-aimlapi-credits-used": String(tokens),
        },
      );
    }
    if (markers.has("both-shapes")) {
      return json(
        res,
        200,
        { images: items, ...seedField, data: items, meta: { usage: { tokens_used: tokens } } },
        headers,
      );
    }
    const data = items.map(({ url, b64_json }) => ({ url, b64_json }));
    const safety = markers.has("blocked") ? { has_nsfw_concepts: Array.from({ length: asked }, () => true) } : {};
    const usage =
      body.usage === "usd_spent" ? { credits_used: tokens, usd_spent: tokens / 2_000_000 } : { [body.usage]: tokens };
    return json(res, 200, { data, ...seedField, ...safety, meta: { usage } }, headers);
  }

  async function imageItem(
    body: GenerationRequest,
    markers: Markers,
    seed: number | null,
    index: number,
    size: { width: number; height: number },
  ) {
    const digest = createHash("sha256").update(`${body.prompt}\0${seed}\0${index}`).digest("hex");
    const spec: FileSpec = {
      width: Math.max(16, Math.round(size.width * scale)),
      height: Math.max(16, Math.round(size.height * scale)),
      color: `#${digest.slice(0, 6)}`,
      kind: markers.has("not-image") ? "html" : markers.has("chunked") ? "chunked" : "png",
      delayMs: Number(markers.get("slow-files")) || 0,
    };
    const meta = {
      content_type: "image/png",
      file_name: `${digest.slice(0, 32)}.png`,
      width: spec.width,
      height: spec.height,
    };
    if (body.inline && spec.kind === "png") {
      const png = await renderOf(spec);
      return { url: null, b64_json: png.toString("base64"), file_size: png.length, ...meta };
    }
    const token = createHash("sha256").update(`${digest}\0${requestCounter}`).digest("hex").slice(0, 32);
    files.set(token, spec);
    let url = `${base}/files/${token}.png`;
    if (markers.has("unsafe-link")) url = `http://169.254.169.254/latest/meta-data/${token}.png`;
    else if (markers.has("redirect")) url = `${base}/redirect/${token}`;
    else if (markers.has("redirect-offsite")) url = `${base}/redirect-offsite/${token}`;
    return { url, b64_json: null, file_size: null, ...meta };
  }

  async function serveFile(res: ServerResponse, token: string) {
    const spec = files.get(token);
    if (!spec) return errorBody(res, 404, "No such file", `/files/${token}.png`);
    if (spec.delayMs > 0) await sleep(spec.delayMs);
    if (spec.kind === "html") {
      res.writeHead(200, { "content-type": "image/png" }).end("<!doctype html><html><body>Not an image</body></html>");
      return;
    }
    const png = await renderOf(spec);
    if (spec.kind === "chunked") {
      res.writeHead(200, { "content-type": "image/png", "transfer-encoding": "chunked" });
      res.write(png.subarray(0, Math.floor(png.length / 2)));
      res.end(png.subarray(Math.floor(png.length / 2)));
      return;
    }
    res.writeHead(200, { "content-type": "image/png", "content-length": png.length }).end(png);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    calls: () => callCount,
    resetCalls: () => {
      callCount = 0;
      recorded = [];
    },
    requests: () => recorded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function render(spec: FileSpec): Promise<Buffer> {
  return sharp({ create: { width: spec.width, height: spec.height, channels: 3, background: spec.color } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function errorBody(
  res: ServerResponse,
  status: number,
  message: string,
  path: string,
  requestId = "fake-0",
  headers: Record<string, string> = {},
) {
  json(res, status, { message, path, requestId, statusCode: status, timestamp: new Date().toISOString() }, headers);
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstream = await startFakeUpstream({
    port: Number(flag("port") ?? 3901),
    apiKey: flag("key") ?? "test-key",
    latencyMs: Number(flag("latency") ?? 0),
    scale: Number(flag("scale") ?? 1),
    sameImage: process.argv.includes("--same-image"),
  });
  console.log(`fake upstream listening on ${upstream.url}`);
  const stop = () => void upstream.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
