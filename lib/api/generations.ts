import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { ApiError, invalidRequest, notFound } from "@/lib/api/errors";
import { signedImagePath } from "@/lib/api/image-links";
import { apiOrigin } from "@/lib/api/route";
import type { ApiGeneration, ImagesResponse } from "@/lib/api/schemas";
import { type Db, db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Generation, Image } from "@/lib/generated/prisma/client";
import type { SettingsInput } from "@/lib/generations/settings";
import { type SubmitFailure, submitGeneration } from "@/lib/generations/submit";
import type { Cursor } from "@/lib/history/cursor";
import type { HistoryFilters } from "@/lib/history/filters";
import { listGenerations } from "@/lib/history/queries";
import { DEFAULT_MODEL_ID, type ModelEntry, textToImageModels } from "@/lib/models";
import { objectStore } from "@/lib/storage";

// The public API's generations: the request OpenAI's `images.generate` sends (plus Seedream's own
// fields), how it maps onto the studio's one submit path, and the JSON a generation is shown as.

const dimension = z.number().int();

/** POST /v1/images/generations. Unknown fields are refused, as OpenAI does, so typos are not silent. */
export const imageGenerationRequestSchema = z
  .object({
    model: z
      .string()
      .max(100)
      .optional()
      .describe(
        `A text-to-image model: ${textToImageModels()
          .map((m) => m.id)
          .join(", ")}; default ${DEFAULT_MODEL_ID}.`,
      ),
    prompt: z.string({ error: "`prompt` is required." }).describe("Up to 4000 characters (UTF-16 units)."),
    n: z
      .number()
      .int("`n` must be a whole number.")
      .optional()
      .describe("Images to make, 1 to 4; default 1. A model without `num_images` makes one call per image."),
    size: z
      .string()
      .regex(/^(auto|\d{1,5}x\d{1,5})$/, '`size` is "auto" or "WIDTHxHEIGHT", e.g. "2048x2048".')
      .optional(),
    response_format: z.enum(["url", "b64_json"], { error: '`response_format` is "url" or "b64_json".' }).optional(),
    // Seedream's own fields.
    image_size: z
      .union([z.string(), z.object({ width: dimension, height: dimension }).strict()])
      .optional()
      .describe(
        "The model's own size: one of its preset names (Seedream 4.0: square_hd, landscape_16_9, …; 4.5: 2K, 4K) or { width, height } within its range (4.0: 1024 to 4096; 4.5: 1440 to 4096).",
      ),
    seed: z.number().int("`seed` must be a whole number.").optional().describe("1 to 2147483647; random when absent."),
    enable_safety_checker: z.boolean().optional().describe("For models that have a safety checker (Seedream 4.0)."),
    // OpenAI's end-user id: accepted and not used.
    user: z.string().max(256).optional(),
  })
  .strict()
  .meta({ id: "CreateImageRequest" });

export type ImageGenerationRequest = z.infer<typeof imageGenerationRequestSchema>;

/** The fields both image endpoints map onto the studio's form the same way. */
export type StudioFields = Pick<
  ImageGenerationRequest,
  "model" | "prompt" | "n" | "size" | "image_size" | "seed" | "enable_safety_checker"
>;

/**
 * The studio's settings input for an API request; the studio's own validation then applies to both.
 * `models` are those the endpoint takes (text to image here, edit models for /v1/images/edits).
 */
export function toStudioInput(
  request: StudioFields,
  {
    models = textToImageModels(),
    defaultModelId = DEFAULT_MODEL_ID,
  }: { models?: ModelEntry[]; defaultModelId?: string } = {},
): SettingsInput & { model: string } {
  if (request.size !== undefined && request.image_size !== undefined) {
    throw invalidRequest("Send either `size` or `image_size`, not both.", "size");
  }
  const model = models.find((m) => m.id === (request.model ?? defaultModelId));
  if (!model) {
    throw invalidRequest(`\`model\` is one of ${models.map((m) => m.id).join(", ")}.`, "model");
  }
  return {
    model: model.id,
    prompt: request.prompt,
    numImages: request.n ?? 1,
    ...sizeInput(model, request),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(request.enable_safety_checker === undefined ? {} : { enableSafetyChecker: request.enable_safety_checker }),
  };
}

/**
 * OpenAI's `size` ("auto" is the model's default; "WxH" is the model's preset of exactly that size
 * and shape when it has one, else a custom size within the model's range) or the model's own
 * `image_size` (one of its preset names, or { width, height }).
 */
function sizeInput(model: ModelEntry, request: StudioFields): Pick<SettingsInput, "sizePreset" | "width" | "height"> {
  const { presets, custom } = model.size;
  const size = request.image_size;
  if (typeof size === "object") return { sizePreset: "custom", width: size.width, height: size.height };
  if (typeof size === "string") {
    if (!Object.hasOwn(presets, size)) {
      const names = Object.keys(presets).join(", ");
      throw invalidRequest(
        `\`image_size\` for ${model.id} is one of ${names}${custom ? ", or { width, height }" : ""}.`,
        "image_size",
      );
    }
    return { sizePreset: size };
  }
  if (request.size === undefined || request.size === "auto") return {};
  const [width, height] = request.size.split("x").map(Number) as [number, number];
  // Only presets with a fixed shape: 4.5's "2K" lets the model choose the shape, "2048x2048" does not.
  const preset = Object.entries(presets).find(
    ([, p]) => p.aspect !== null && p.width === width && p.height === height,
  )?.[0];
  return preset ? { sizePreset: preset } : { sizePreset: "custom", width, height };
}

/** Studio field names in the API's vocabulary, for `param` in errors. */
function apiParam(field: string): string {
  if (["sizePreset", "width", "height"].includes(field)) return "size";
  if (field === "numImages") return "n";
  if (field === "enableSafetyChecker") return "enable_safety_checker";
  return field;
}

export function submitFailureToApiError(failure: SubmitFailure): ApiError {
  switch (failure.code) {
    case "invalid_input": {
      const field = Object.keys(failure.fields)[0];
      return invalidRequest(failure.message, field ? apiParam(field) : undefined);
    }
    case "insufficient_credits":
      return new ApiError(402, "insufficient_credits", "insufficient_credits", failure.message);
    case "spending_locked":
      return new ApiError(403, "permission_error", "spending_locked", failure.message);
    case "account_frozen":
      return new ApiError(403, "permission_error", "account_frozen", failure.message);
    case "rate_limited":
      return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", failure.message, {
        headers: { "retry-after": String(failure.retryAfterSeconds) },
      });
    case "too_many_active":
      return new ApiError(429, "rate_limit_error", "too_many_active_generations", failure.message, {
        headers: { "retry-after": "5" },
      });
    case "unknown_user":
      return new ApiError(401, "invalid_request_error", "invalid_api_key", "Invalid or revoked API key.");
  }
}

// ---------- Idempotency-Key ----------

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/** Canonical JSON (keys sorted), so the same body written in another key order is the same body. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The studio-side submission key for an API request. Without an Idempotency-Key every request is
 * new. With one, the first request records (key, body hash) and later ones with the same key get
 * the same submission key, so the studio's own idempotent submit returns the same generation and
 * charges once, however many arrive at once. Another body under a live key is a 409; a record older
 * than 24 hours is replaced.
 */
export async function submissionKey(
  database: Db,
  { userId, header, body, now = new Date() }: { userId: string; header: string | null; body: unknown; now?: Date },
): Promise<string> {
  if (header === null) return `api_${randomUUID().replaceAll("-", "")}`;
  const key = idempotencyKeySchema.safeParse(header);
  if (!key.success) {
    throw invalidRequest("`Idempotency-Key` must be 1 to 255 visible ASCII characters.", "Idempotency-Key");
  }
  const bodyHash = createHash("sha256").update(canonical(body)).digest("hex");
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  await database.apiIdempotencyKey.deleteMany({ where: { userId, key: key.data, createdAt: { lt: expiredBefore } } });
  await database.$executeRaw`
    INSERT INTO "ApiIdempotencyKey" ("id", "userId", "key", "bodyHash", "createdAt")
    VALUES (${`idk${randomUUID().replaceAll("-", "")}`}, ${userId}, ${key.data}, ${bodyHash}, ${now})
    ON CONFLICT ("userId", "key") DO NOTHING`;
  const record = await database.apiIdempotencyKey.findUniqueOrThrow({
    where: { userId_key: { userId, key: key.data } },
  });
  if (record.bodyHash !== bodyHash) {
    throw new ApiError(
      409,
      "conflict_error",
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request body in the last 24 hours.",
      { param: "Idempotency-Key" },
    );
  }
  return `api_${record.id}`;
}

/** Submits through the studio's one path (validation, reservation, queue). */
export async function submitApiGeneration({
  userId,
  request,
  idempotencyHeader,
}: {
  userId: string;
  request: ImageGenerationRequest;
  idempotencyHeader: string | null;
}): Promise<Generation> {
  const idempotencyKey = await submissionKey(db(), { userId, header: idempotencyHeader, body: request });
  return submitStudioGeneration({ userId, input: toStudioInput(request), idempotencyKey });
}

/** The studio's submit, its refusals in the API's shape. */
export async function submitStudioGeneration(args: {
  userId: string;
  input: SettingsInput;
  idempotencyKey: string;
}): Promise<Generation> {
  const result = await submitGeneration(args);
  if (!result.ok) throw submitFailureToApiError(result);
  return result.generation;
}

/**
 * The answer to an accepted images request, as OpenAI gives it: waits for the images (up to
 * API_SYNC_WAIT_SECONDS) and answers `{ created, data }`; with `Prefer: respond-async`, or when the
 * wait runs out, 202 with the generation to poll at its Location.
 */
export async function answerImagesRequest({
  request,
  userId,
  generationId,
  format,
}: {
  request: Request;
  userId: string;
  generationId: string;
  format: "url" | "b64_json";
}): Promise<Response> {
  const origin = apiOrigin(request);
  const location = `/v1/generations/${generationId}`;
  const respondAsync = /\brespond-async\b/i.test(request.headers.get("prefer") ?? "");
  const settled = respondAsync
    ? null
    : await waitForSettled({
        userId,
        id: generationId,
        waitMs: env().API_SYNC_WAIT_SECONDS * 1000,
        signal: request.signal,
      });
  if (!settled) {
    const current = await findApiGeneration({ userId, id: generationId });
    if (!current) throw notFound();
    return Response.json(toApiGeneration(current, origin), {
      status: 202,
      headers: { location, "preference-applied": respondAsync ? "respond-async" : "" },
    });
  }
  if (settled.images.length === 0) {
    const blocked = settled.errorCode === "content_blocked";
    throw new ApiError(
      blocked ? 400 : 502,
      blocked ? "invalid_request_error" : "api_error",
      blocked ? "content_policy_violation" : (settled.errorCode ?? "generation_failed"),
      `${settled.errorMessage ?? "The generation failed."} Its ${settled.refundedCredits} credits were refunded (generation ${settled.id}).`,
    );
  }
  return Response.json(await toImagesResponse(settled, { origin, format }), { headers: { location } });
}

// ---------- Waiting ----------

const SETTLED = new Set(["COMPLETED", "FAILED"]);

/** The generation once settled, or null when `waitMs` ran out first (the caller answers 202). */
export async function waitForSettled({
  userId,
  id,
  waitMs,
  signal,
}: {
  userId: string;
  id: string;
  waitMs: number;
  signal?: AbortSignal;
}): Promise<GenerationWithImages | null> {
  const until = Date.now() + waitMs;
  let delay = 100;
  for (;;) {
    const row = await findApiGeneration({ userId, id });
    if (!row) throw new ApiError(404, "not_found_error", "not_found", "No such generation.");
    if (SETTLED.has(row.status)) return row;
    const left = until - Date.now();
    if (left <= 0 || signal?.aborted) return null;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 1.5, 1000);
  }
}

// ---------- Reading ----------

export type GenerationWithImages = Generation & { images: Image[] };

export function findApiGeneration({ userId, id }: { userId: string; id: string }) {
  return db().generation.findFirst({
    where: { id, userId },
    include: { images: { orderBy: { index: "asc" } } },
  });
}

export const API_STATUS = { QUEUED: "queued", RUNNING: "running", COMPLETED: "completed", FAILED: "failed" } as const;

/** A generation as the API shows it. `origin` makes image links absolute. */
export function toApiGeneration(g: GenerationWithImages, origin: string): ApiGeneration {
  return {
    id: g.id,
    object: "generation",
    status: API_STATUS[g.status],
    model: g.model,
    source: g.source === "DEMO" ? "demo" : "api",
    created: Math.floor(g.createdAt.getTime() / 1000),
    completed_at: g.completedAt ? Math.floor(g.completedAt.getTime() / 1000) : null,
    prompt: g.prompt,
    size: `${g.width}x${g.height}`,
    image_size: g.sizePreset ?? { width: g.width, height: g.height },
    n: g.numImages,
    seed: g.seedRequested,
    seed_used: g.seedUsed === null ? null : g.seedUsed.toString(),
    enable_safety_checker: g.enableSafetyChecker,
    credits: { cost: g.costCredits, charged: g.chargedCredits, refunded: g.refundedCredits },
    images: g.images.map((image) => ({
      id: image.id,
      index: image.index,
      width: image.width,
      height: image.height,
      content_type: image.contentType,
      url: `${origin}${signedImagePath(image.id)}`,
    })),
    error: g.status === "FAILED" ? { code: g.errorCode ?? "failed", message: g.errorMessage ?? "" } : null,
  };
}

/** OpenAI's images response for a settled generation. */
export async function toImagesResponse(
  g: GenerationWithImages,
  { origin, format }: { origin: string; format: "url" | "b64_json" },
): Promise<ImagesResponse> {
  const store = objectStore();
  const data = await Promise.all(
    g.images.map(async (image) => {
      if (format === "url") return { url: `${origin}${signedImagePath(image.id)}`, revised_prompt: null };
      const bytes = await store.get(image.storageKey);
      if (!bytes) throw new Error(`stored image missing: ${image.id}`);
      return { b64_json: bytes.toString("base64"), revised_prompt: null };
    }),
  );
  return { created: Math.floor(g.createdAt.getTime() / 1000), data };
}

/** One page of the caller's generations in the API's shape, using the history's own query. */
export async function listApiGenerations({
  userId,
  filters,
  cursor,
  limit,
  origin,
}: {
  userId: string;
  filters: HistoryFilters;
  cursor: Cursor | null;
  limit: number;
  origin: string;
}) {
  const page = await listGenerations({ userId, filters, cursor, limit });
  const ids = page.items.map((item) => item.id);
  const rows = await db().generation.findMany({
    where: { userId, id: { in: ids } },
    include: { images: { orderBy: { index: "asc" } } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const data = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toApiGeneration(row, origin)] : [];
  });
  return { data, nextCursor: page.nextCursor };
}
