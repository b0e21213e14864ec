import "server-only";
import { z } from "zod";
import { imageEditRequestSchema } from "@/lib/api/edits";
import { imageGenerationRequestSchema } from "@/lib/api/generations";
import {
  apiErrorSchema,
  apiGenerationSchema,
  balanceSchema,
  generationListQuerySchema,
  generationListSchema,
  imagesResponseSchema,
} from "@/lib/api/schemas";

// The OpenAPI 3.1 document of /v1, generated from the zod schemas the handlers parse and build
// with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod 4 writes).

type JsonSchema = Record<string, unknown>;

const named = [
  imageGenerationRequestSchema,
  imageEditRequestSchema,
  apiErrorSchema,
  apiGenerationSchema,
  generationListSchema,
  imagesResponseSchema,
  balanceSchema,
];

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const schema of named) {
    const id = z.globalRegistry.get(schema)?.id;
    if (typeof id !== "string") throw new Error("every named API schema carries .meta({ id })");
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: "input",
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  });
  for (const schema of Object.values(schemas)) delete schema.$schema;
  return schemas as Record<string, JsonSchema>;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { "application/json": { schema: ref(id) } },
});
const error = (description: string) => json("Error", description);

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const document = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonSchema>;
  };
  return Object.entries(document.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "query", required: false, schema: rest, ...(description ? { description } : {}) };
  });
}

export function openApiDocument(serverUrl: string) {
  const commonErrors = {
    "401": error("Missing, unknown or revoked API key."),
    "429": error("Rate limited; see Retry-After."),
  };
  const imagesHeaders = [
    {
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "The same key with the same body returns the same generation, charged once (24 hours).",
      schema: { type: "string", maxLength: 255 },
    },
    { name: "Prefer", in: "header", required: false, schema: { type: "string", enum: ["respond-async"] } },
  ];
  const imagesResponses = {
    "200": json("ImagesResponse", "The images."),
    "202": json("Generation", "Accepted; poll `Location`."),
    "400": error("Invalid parameters, or the safety checker held back every image (refunded)."),
    "402": error("Not enough credits: the message names the balance and the cost."),
    "403": error("The key lacks the `generate` scope, or spending is paused on the account."),
    "409": error("The Idempotency-Key was used with another body."),
    "502": error("The image service failed; the credits were refunded."),
    ...commonErrors,
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Atelier API",
      version: "1",
      description:
        "Images from ByteDance Seedream, billed on your Atelier credits. OpenAI-compatible where OpenAI has the concept: point the official `openai` clients at this base URL with an Atelier API key.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An Atelier API key, `atl_…`." } },
      schemas: componentSchemas(),
    },
    paths: {
      "/images/generations": {
        post: {
          operationId: "createImage",
          summary: "Generate images (OpenAI images.generate)",
          description:
            "Waits for the images (up to the studio's API_SYNC_WAIT_SECONDS) and answers like OpenAI. With `Prefer: respond-async`, or when the wait runs out, answers 202 with the generation to poll at `Location`. Requires the `generate` scope.",
          parameters: imagesHeaders,
          requestBody: { required: true, content: { "application/json": { schema: ref("CreateImageRequest") } } },
          responses: imagesResponses,
        },
      },
      "/images/edits": {
        post: {
          operationId: "createImageEdit",
          summary: "Edit images (OpenAI images.edit)",
          description:
            "Multipart, as the openai clients send it: one file as `image`, or several as `image[]`, in order. Each file becomes one of your reference images and the generation runs on an edit-capable model (references required or optional), answered exactly as /images/generations. `mask` is not supported (400). The Idempotency-Key fingerprint is the fields plus each file's SHA-256. Requires the `generate` scope.",
          parameters: imagesHeaders,
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: ref("CreateImageEditRequest"),
                encoding: { image: { contentType: "image/png, image/jpeg, image/webp" } },
              },
            },
          },
          responses: {
            ...imagesResponses,
            "400": error(
              "Invalid parameters, a file that is not PNG, JPEG or WebP, more images than the model takes, a `mask`, or the safety checker held back every image (refunded).",
            ),
            "413": error("A file over 10 MB, or a body over the cap (the most images any edit model takes × 10 MB)."),
            "415": error("The body is not multipart/form-data."),
          },
        },
      },
      "/generations": {
        get: {
          operationId: "listGenerations",
          summary: "Your generations, newest first",
          parameters: queryParameters(generationListQuerySchema),
          responses: { "200": json("GenerationList", "One page."), "400": error("Invalid filter."), ...commonErrors },
        },
      },
      "/generations/{id}": {
        get: {
          operationId: "getGeneration",
          summary: "One generation: status, settings, images, credits charged and refunded",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": json("Generation", "The generation."),
            "404": error("Not yours, or no such id."),
            ...commonErrors,
          },
        },
      },
      "/balance": {
        get: {
          operationId: "getBalance",
          summary: "Your balance and recent ledger movements",
          responses: { "200": json("Balance", "Balance."), ...commonErrors },
        },
      },
      "/files/{imageId}": {
        get: {
          operationId: "getImageFile",
          summary: "An image behind a signed link (the link is the permission)",
          security: [],
          parameters: [
            { name: "imageId", in: "path", required: true, schema: { type: "string" } },
            { name: "expires", in: "query", required: true, schema: { type: "integer" } },
            { name: "signature", in: "query", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "The image.", content: { "image/png": {}, "image/jpeg": {}, "image/webp": {} } },
            "403": error("Expired or altered link."),
            "404": error("No such image."),
          },
        },
      },
    },
  };
}
