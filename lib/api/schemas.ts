import { z } from "zod";
import { historyFiltersSchema, STATUS_FILTERS } from "@/lib/history/filters";

// The public API's shapes. Handlers build their answers as these types, and the OpenAPI document
// (/v1/openapi.json) is generated from these same schemas, so the two cannot drift apart.

// Ids as the studio makes them (cuid): anything else is answered 404 before any query.
export const generationIdSchema = z.string().regex(/^[a-z0-9]{10,40}$/);
export const imageIdSchema = generationIdSchema;

export const apiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string(),
    }),
  })
  .meta({ id: "Error" });

export const apiGenerationSchema = z
  .object({
    id: z.string(),
    object: z.literal("generation"),
    status: z.enum(["queued", "running", "completed", "failed"]),
    model: z.string(),
    source: z.enum(["demo", "api"]).describe("`demo` when the studio runs without an AI/ML API key."),
    created: z.number().int().describe("Unix seconds."),
    completed_at: z.number().int().nullable(),
    prompt: z.string(),
    size: z.string().describe('"WIDTHxHEIGHT"'),
    image_size: z.union([z.string(), z.object({ width: z.number().int(), height: z.number().int() })]),
    n: z.number().int(),
    seed: z.number().int().nullable().describe("The seed asked for."),
    seed_used: z.string().nullable().describe("The seed the model used, as a string."),
    enable_safety_checker: z.boolean(),
    credits: z.object({ cost: z.number().int(), charged: z.number().int(), refunded: z.number().int() }),
    images: z.array(
      z.object({
        id: z.string(),
        index: z.number().int(),
        width: z.number().int(),
        height: z.number().int(),
        content_type: z.string(),
        url: z.string().describe("Signed link; works without a key until it expires."),
      }),
    ),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: "Generation" });
export type ApiGeneration = z.infer<typeof apiGenerationSchema>;

export const generationListSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(apiGenerationSchema),
    has_more: z.boolean(),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: "GenerationList" });

export type GenerationList = z.infer<typeof generationListSchema>;

/** GET /v1/generations: the history page's filters and search, and a keyset cursor. */
export const generationListQuerySchema = z
  .object({
    q: historyFiltersSchema.shape.q.describe("Words the prompt contains (prefix search)."),
    status: z.enum(STATUS_FILTERS, { error: `\`status\` is one of ${STATUS_FILTERS.join(", ")}.` }).optional(),
    model: historyFiltersSchema.shape.model,
    aspect: historyFiltersSchema.shape.aspect.describe('e.g. "16:9"'),
    from: historyFiltersSchema.shape.from.describe("First UTC day, YYYY-MM-DD."),
    to: historyFiltersSchema.shape.to.describe("Last UTC day, YYYY-MM-DD."),
    favorites: z.enum(["true", "false"]).optional(),
    edits: z
      .enum(["true", "false"])
      .optional()
      .describe("`true`: only generations made from reference images (edits, upscales)."),
    cursor: z.string().max(200).optional().describe("`next_cursor` of the previous page."),
    limit: z.coerce.number().int().min(1, "`limit` is 1 to 100.").max(100, "`limit` is 1 to 100.").default(24),
  })
  .strict();

export const imagesResponseSchema = z
  .object({
    created: z.number().int(),
    data: z.array(
      z.union([
        z.object({ url: z.string(), revised_prompt: z.null() }),
        z.object({ b64_json: z.string(), revised_prompt: z.null() }),
      ]),
    ),
  })
  .meta({ id: "ImagesResponse" });
export type ImagesResponse = z.infer<typeof imagesResponseSchema>;

export const balanceSchema = z
  .object({
    object: z.literal("balance"),
    credits: z.number().int(),
    movements: z.array(
      z.object({
        id: z.string(),
        kind: z.string().describe("grant, purchase, reserve, settle, refund, clawback or adjustment"),
        amount: z.number().int(),
        balance_after: z.number().int(),
        reason: z.string(),
        generation_id: z.string().nullable(),
        created: z.number().int(),
      }),
    ),
  })
  .meta({ id: "Balance" });
export type ApiBalance = z.infer<typeof balanceSchema>;
