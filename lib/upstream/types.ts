// The contract between the generation flow and whatever makes images (the AI/ML API client or
// the local demo source). Both implement ImageSource; the flow knows nothing else about them.

export const SIZE_PRESETS = {
  square_hd: { width: 2048, height: 2048, label: "Square HD", aspect: "1:1" },
  square: { width: 1024, height: 1024, label: "Square", aspect: "1:1" },
  portrait_4_3: { width: 1536, height: 2048, label: "Portrait 3:4", aspect: "3:4" },
  portrait_16_9: { width: 1152, height: 2048, label: "Portrait 9:16", aspect: "9:16" },
  landscape_4_3: { width: 2048, height: 1536, label: "Landscape 4:3", aspect: "4:3" },
  landscape_16_9: { width: 2048, height: 1152, label: "Landscape 16:9", aspect: "16:9" },
} as const;

export type SizePreset = keyof typeof SIZE_PRESETS;

/** Parameters after validation (lib/upstream/params.ts), exactly as the upstream contract names them. */
export type GenerationParams = {
  prompt: string;
  image_size: SizePreset | { width: number; height: number };
  seed?: number;
  num_images: number;
  enable_safety_checker: boolean;
  sync_mode: boolean;
};

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
  | "content_blocked" // the safety checker removed every image
  | "unsafe_image_link" // a link outside the allowlist, not https, or to a private address
  | "not_an_image" // downloaded bytes are not PNG/JPEG/WebP, or too large
  | "download_failed"; // the image link could not be fetched in time

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    /** A sentence a user understands; shown next to the refunded generation. */
    readonly userMessage: string,
    readonly details: { status?: number; requestId?: string | null; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${code}: ${userMessage}`);
    this.name = "UpstreamError";
  }
}

export interface ImageSource {
  readonly kind: "DEMO" | "API";
  generate(model: string, params: GenerationParams, options: { signal?: AbortSignal }): Promise<SourceResult>;
}
