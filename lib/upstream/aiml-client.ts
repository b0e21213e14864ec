import { z } from "zod";
import { env } from "@/lib/env";
import { readCapped } from "@/lib/http/read-capped";
import { MAX_IMAGE_BYTES } from "@/lib/images/limits";
import { log as logger } from "@/lib/log";
import { findModel } from "@/lib/models";
import { upstreamError } from "@/lib/upstream/errors";
import { sleep } from "@/lib/upstream/sleep";
import type { ImageSource, SourceImage, SourceResult, UpstreamError } from "@/lib/upstream/types";

// The AI/ML API client (contract: ../shared/api). Server code only, but without `server-only`:
// scripts/worker.ts runs it under plain Node. The key lives in this module's closure and in the
// Authorization header; it is never logged and never part of an error.
//
// Retries. Only where a repeat cannot make a second paid generation: 429 (refused before any
// work), 500/502/503 (the provider failed the request), and connections refused or reset before
// any response arrived (a pooled connection closed under us; the request did not reach the
// provider's application). NOT retried: 400/401/403/422 (the same request fails again), and 504 or
// our own timeout: the provider may still be generating, and would charge for it, so a blind retry
// could pay twice and double the user's wait past a minute. Those end as provider_timeout; the flow
// refunds and the user decides whether to try again.

export type AimlClientOptions = {
  apiKey: string;
  baseUrl: string;
  /** Per attempt, covering the answer and its body. */
  timeoutMs: number;
  maxRetries: number;
  /** First backoff step; it doubles per retry and is jittered (half fixed, half random). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown with `retryAfterMs`. */
  maxRetryAfterMs?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
};

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503]);
const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const REQUEST_ID_HEADERS = ["x-request-id", "x-aimlapi-request-id", "x-inference-id", "request-id"];

// Auxiliary fields are parsed leniently (`catch`): a wrong seed or usage figure must not throw
// away images the provider has already made and billed. The image list itself is strict.
const lenientNumber = z.number().nullish().catch(null);
const lenientString = z.string().nullish().catch(null);
const itemSchema = z.object({ url: z.string().nullish(), b64_json: z.string().nullish() });
const itemsSchema = z.array(itemSchema).nullish();
const successSchema = z
  .object({
    data: itemsSchema,
    images: itemsSchema,
    seed: lenientNumber,
    meta: z
      .object({
        // The same answer for every model of the registry; the upscaler adds `usd_spent`.
        usage: z
          .object({ tokens_used: lenientNumber, credits_used: lenientNumber, usd_spent: lenientNumber })
          .nullish()
          .catch(null),
      })
      .nullish()
      .catch(null),
    // How the provider says its safety checker removed images (fal-style, one flag per image asked).
    has_nsfw_concepts: z.array(z.boolean().catch(false)).nullish().catch(null),
    requestId: lenientString,
    request_id: lenientString,
    id: lenientString,
  })
  .refine((body) => body.data !== undefined || body.images !== undefined, "neither data nor images");

const errorBodySchema = z.object({
  message: z.unknown().optional(),
  path: z.unknown().optional(),
  requestId: z.string().optional().catch(undefined),
  statusCode: z.unknown().optional(),
});

type Attempt =
  | { ok: true; result: Omit<SourceResult, "upstreamMs"> }
  | { ok: false; error: UpstreamError; retry: boolean };

export function createAimlClient(options: AimlClientOptions): ImageSource {
  const endpoint = new URL("/v1/images/generations", options.baseUrl).toString();
  const log =
    options.log ??
    // The provider's request id gets a name of its own: `requestId` on a line is ours (lib/log.ts).
    ((message, { requestId, ...fields }) =>
      logger.warn(`upstream: ${message}`, { ...fields, providerRequestId: requestId ?? null }));
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 20_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;

  async function attempt(body: string, images: number, signal?: AbortSignal): Promise<Attempt> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body,
        signal: combined,
        // A redirect would carry the key to wherever it points; treat it as an error instead.
        redirect: "manual",
      });
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { ok: false, error: upstreamError("provider_timeout", { cause }), retry: false };
      const code = networkErrorCode(cause);
      return {
        ok: false,
        error: upstreamError("network", { cause: code ?? cause }),
        retry: code !== null && RETRYABLE_NETWORK_CODES.has(code),
      };
    }

    const requestIdHeader = REQUEST_ID_HEADERS.map((h) => response.headers.get(h)).find(Boolean) ?? null;
    try {
      if (!response.ok) return await failure(response, requestIdHeader);
      const limit = images * Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 1024 * 1024;
      const raw = response.body ? await readCapped(response.body, limit) : Buffer.alloc(0);
      if (raw === null) {
        return { ok: false, error: upstreamError("malformed_response", { requestId: requestIdHeader }), retry: false };
      }
      return parseSuccess(raw, response.headers, requestIdHeader);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      // The provider answered and then stalled or dropped the body: the work was done, so no retry.
      const code = timeout.aborted ? "provider_timeout" : "network";
      return {
        ok: false,
        error: upstreamError(code, { status: response.status, requestId: requestIdHeader, cause }),
        retry: false,
      };
    }
  }

  async function failure(response: Response, requestIdHeader: string | null): Promise<Attempt> {
    const raw = response.body ? await readCapped(response.body, MAX_ERROR_BODY_BYTES).catch(() => null) : null;
    const parsed = raw ? errorBodySchema.safeParse(safeJson(raw.toString("utf8"))) : null;
    const providerBody = parsed?.success ? parsed.data : null;
    const requestId = providerBody?.requestId ?? requestIdHeader;
    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    const providerMessage = typeof providerBody?.message === "string" ? providerBody.message.slice(0, 500) : undefined;
    const error = upstreamError(codeForStatus(status), {
      status,
      requestId,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(providerMessage === undefined ? {} : { providerMessage }),
    });
    log("request failed", { status, code: error.code, requestId, providerMessage });
    return { ok: false, error, retry: RETRYABLE_STATUSES.has(status) };
  }

  function parseSuccess(raw: Buffer, headers: Headers, requestIdHeader: string | null): Attempt {
    const parsed = successSchema.safeParse(safeJson(raw.toString("utf8")));
    if (!parsed.success) {
      log("malformed success body", { requestId: requestIdHeader, issues: parsed.error.issues.slice(0, 3) });
      return { ok: false, error: upstreamError("malformed_response", { requestId: requestIdHeader }), retry: false };
    }
    const body = parsed.data;
    const requestId = body.requestId ?? body.request_id ?? body.id ?? requestIdHeader;
    const items = body.data?.length ? body.data : (body.images ?? []);
    const images: SourceImage[] = [];
    let undecodable = 0;
    for (const item of items) {
      if (item.b64_json) {
        const bytes = decodeBase64(item.b64_json);
        if (bytes) images.push({ kind: "bytes", bytes });
        else if (item.url) images.push({ kind: "url", url: item.url });
        else undecodable++;
      } else if (item.url) {
        images.push({ kind: "url", url: item.url });
      }
    }
    if (images.length === 0) {
      // Blamed on the safety checker only when the provider says so; otherwise nothing came back.
      const blocked = body.has_nsfw_concepts?.some(Boolean) ?? false;
      const code = undecodable > 0 ? "malformed_response" : blocked ? "content_blocked" : "no_images";
      log("no usable images", { requestId, code, items: items.length });
      return { ok: false, error: upstreamError(code, { requestId }), retry: false };
    }
    const tokens =
      body.meta?.usage?.tokens_used ??
      body.meta?.usage?.credits_used ??
      numberHeader(headers, "x-aimlapi-credits-used");
    return {
      ok: true,
      result: {
        images,
        seed: typeof body.seed === "number" && Number.isSafeInteger(body.seed) && body.seed >= 0 ? body.seed : null,
        tokensUsed: typeof tokens === "number" && Number.isFinite(tokens) && tokens >= 0 ? Math.round(tokens) : null,
        requestId,
      },
    };
  }

  function delayBefore(retry: number, retryAfterMs: number | undefined): number | null {
    if (retryAfterMs !== undefined) return retryAfterMs <= maxRetryAfterMs ? retryAfterMs : null;
    const step = Math.min(maxBackoffMs, backoffMs * 2 ** retry);
    return step / 2 + Math.random() * (step / 2);
  }

  return {
    kind: "API",
    async generate(modelId, request, { signal }) {
      const started = performance.now();
      // Exactly the model's fields: a request its entry does not accept is a bug, never sent.
      const model = findModel(modelId);
      if (!model) throw new Error(`model ${modelId} is not in the registry`);
      const checked = model.request.parse(request);
      const images = model.summarize(checked).images;
      const body = JSON.stringify({ model: model.id, ...checked });
      for (let retry = 0; ; retry++) {
        signal?.throwIfAborted();
        const outcome = await attempt(body, images, signal);
        if (outcome.ok) return { ...outcome.result, upstreamMs: Math.round(performance.now() - started) };
        const wait =
          outcome.retry && retry < options.maxRetries ? delayBefore(retry, outcome.error.details.retryAfterMs) : null;
        if (wait === null) throw outcome.error;
        log("retrying", {
          code: outcome.error.code,
          status: outcome.error.details.status,
          retry: retry + 1,
          waitMs: Math.round(wait),
        });
        await sleep(wait, signal);
      }
    },
  };
}

/** The client configured from the environment (AIML_API_KEY must be set). */
export function aimlClientFromEnv(): ImageSource {
  const e = env();
  if (!e.AIML_API_KEY) throw new Error("AIML_API_KEY is not set: the AI/ML API client cannot be used");
  return createAimlClient({
    apiKey: e.AIML_API_KEY,
    baseUrl: e.AIML_API_BASE_URL,
    timeoutMs: e.AIML_TIMEOUT_MS,
    maxRetries: e.AIML_MAX_RETRIES,
  });
}

export function codeForStatus(status: number): UpstreamError["code"] {
  if (status === 401) return "unauthorized";
  if (status === 402 || status === 403) return "provider_out_of_credits";
  if (status === 429) return "rate_limited";
  if (status === 504) return "provider_timeout";
  if (status >= 400 && status < 500) return "invalid_request";
  return "provider_error";
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function networkErrorCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(networkErrorCode).find((c) => c !== null);
      if (inner) return inner;
    }
  }
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function decodeBase64(value: string): Buffer | null {
  const payload = value.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (payload.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) return null;
  return Buffer.from(payload, "base64");
}

function numberHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}
