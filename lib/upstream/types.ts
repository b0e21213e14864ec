// The contract between the generation flow and whatever makes images (the AI/ML API client or
// the local demo source). Both implement ImageSource; the flow knows nothing else about them.
// The request they receive is one call's body, built from a generation's settings by the model's
// registry entry (lib/generations/settings.ts, requestFromSettings; lib/models/).

import type { ModelRequest } from "@/lib/models";

/** One image as the source returned it: bytes already in hand, or a link to download at once. */
export type SourceImage = { kind: "bytes"; bytes: Buffer } | { kind: "url"; url: string };

export type SourceResult = {
  images: SourceImage[];
  /** The seed the provider used, when it says (it may differ from the one asked for, or there was none). */
  seed: number | null;
  tokensUsed: number | null;
  requestId: string | null;
  upstreamMs: number;
};

export type UpstreamErrorCode =
  | "invalid_request" // 400/422: our request was refused; not retried
  | "unauthorized" // 401: bad or missing key
  | "provider_out_of_credits" // 402/403
  | "rate_limited" // 429
  | "provider_error" // 5xx other than 504
  | "provider_timeout" // 504, or no answer within AIML_TIMEOUT_MS
  | "network" // connection refused/reset, DNS failure
  | "malformed_response" // 2xx whose body is not the documented JSON
  | "content_blocked" // the provider says its safety checker removed every image
  | "no_images" // a 2xx answer with no images and no reason given
  | "unsafe_image_link" // a link outside the allowlist, not https, or to a private address
  | "not_an_image" // downloaded bytes are not PNG/JPEG/WebP, or too large
  | "download_failed"; // the image link could not be fetched in time

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    /** A sentence a user understands; shown next to the refunded generation. */
    readonly userMessage: string,
    readonly details: {
      status?: number;
      requestId?: string | null;
      retryAfterMs?: number;
      cause?: unknown;
      /** The provider's own words (its error body's message), for operators only: never shown to the user. */
      providerMessage?: string;
    } = {},
  ) {
    super(`${code}: ${userMessage}`);
    this.name = "UpstreamError";
  }
}

export interface ImageSource {
  readonly kind: "DEMO" | "API";
  /** One call of `model` (a registry id) with its request, exactly the model's fields. */
  generate(model: string, request: ModelRequest, options: { signal?: AbortSignal }): Promise<SourceResult>;
}
