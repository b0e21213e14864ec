import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { ApiError, invalidRequest } from "@/lib/api/errors";
import {
  imageGenerationRequestSchema,
  submissionKey,
  submitStudioGeneration,
  toStudioInput,
} from "@/lib/api/generations";
import { parseRequest } from "@/lib/api/validate";
import { createSemaphore, type Semaphore } from "@/lib/cpu-slots";
import { db } from "@/lib/db";
import type { Generation } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { DEFAULT_EDIT_MODEL, editModels, findModel } from "@/lib/models";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { rateLimitHeaders } from "@/lib/rate-limit/response";
import { deleteReference } from "@/lib/references/delete";
import { REFERENCE_MAX_BYTES, REFERENCE_MESSAGES } from "@/lib/references/limits";
import { type StoreRefusal, storeReference } from "@/lib/references/store";
import { objectStore } from "@/lib/storage";

// POST /v1/images/edits: OpenAI's `images.edit` as its clients send it (multipart/form-data, one
// file as `image` or several as `image[]`), mapped onto the studio's edit-capable models. Each file
// becomes one of the caller's reference images, in order, and the generation is submitted through
// the studio's one path with those `referenceIds`, exactly like one made on the form.

const generationFields = imageGenerationRequestSchema.shape;
const wholeNumber = (name: string) =>
  z.coerce.number({ error: `\`${name}\` must be a whole number.` }).int(`\`${name}\` must be a whole number.`);

/** The form's fields, as strings on the wire; the same names and rules as /v1/images/generations. */
export const imageEditRequestSchema = z
  .object({
    image: z
      .array(z.file())
      .min(1, "`image` is required: send one file as `image`, or several as `image[]`.")
      .describe(
        "The images to edit, in order: one file as `image`, or several as `image[]`. PNG, JPEG or WebP (checked by content), up to 10 MB each. Each becomes one of your reference images.",
      ),
    prompt: generationFields.prompt.describe("What to make of the images. Up to 4000 characters (UTF-16 units)."),
    model: z
      .string()
      .max(100)
      .optional()
      .describe(
        `A model that takes reference images: ${editModels()
          .map((m) => `${m.id} (up to ${m.references?.max} images)`)
          .join(", ")}; default ${DEFAULT_EDIT_MODEL.id}.`,
      ),
    n: wholeNumber("n").optional().describe("Images to make, 1 to 4; default 1."),
    size: generationFields.size,
    response_format: generationFields.response_format,
    image_size: z
      .string()
      .optional()
      .describe("The model's own size preset name (Seedream 4.0: square_hd, landscape_16_9, …; 4.5: 2K, 4K)."),
    seed: wholeNumber("seed").optional().describe("1 to 2147483647; random when absent."),
    enable_safety_checker: z
      .enum(["true", "false"], { error: '`enable_safety_checker` is "true" or "false".' })
      .transform((v) => v === "true")
      .optional()
      .describe("For models that have a safety checker (Seedream 4.0 Edit)."),
    // OpenAI's end-user id: accepted and not used. `stream`: the client may send "false"; there is no streaming.
    user: generationFields.user,
    stream: z.enum(["false"], { error: "Streaming is not supported: leave `stream` out." }).optional(),
  })
  .strict()
  .meta({ id: "CreateImageEditRequest" });

export type ImageEditRequest = z.infer<typeof imageEditRequestSchema>;

/** The most files any edit model takes, each at most 10 MB. */
function maxImages(): number {
  return Math.max(...editModels().map((m) => m.references?.max ?? 0));
}

/** Room for the text fields (a 4000-character prompt is at most 12 KB) and each part's headers. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

/** The largest body read: every file of the largest edit, at the reference cap, plus the fields. */
export function editBodyLimitBytes(): number {
  return maxImages() * REFERENCE_MAX_BYTES + FORM_OVERHEAD_BYTES;
}

const MASK_MESSAGE =
  "`mask` is not supported: Seedream edits the whole image as the prompt says. Leave `mask` out and describe the change (and where) in the prompt.";

/**
 * Reads the multipart body with a cap, before anything is parsed: a declared length over the cap is
 * refused without reading, and reading stops one byte past it (413 either way).
 */
export async function readEditForm(request: Request): Promise<ImageEditRequest> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new ApiError(
      415,
      "invalid_request_error",
      "unsupported_media_type",
      "Send the body as multipart/form-data (`image` or `image[]` files and the other fields), as the openai clients do.",
    );
  }
  const limit = editBodyLimitBytes();
  const tooLarge = new ApiError(
    413,
    "invalid_request_error",
    "body_too_large",
    `The request is over ${Math.floor(limit / (1024 * 1024))} MB: at most ${maxImages()} images of 10 MB each.`,
  );
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge;
  const capped = capStream(request.body, limit);
  const form = await new Response(capped.stream, { headers: { "content-type": type } }).formData().catch(() => null);
  if (capped.over()) throw tooLarge;
  if (!form) throw invalidRequest("The body is not valid multipart/form-data.");

  // A Map, not an object: a field named `__proto__` is then just an unknown field.
  const fields = new Map<string, FormDataEntryValue>();
  const images: FormDataEntryValue[] = [];
  for (const [name, value] of form.entries()) {
    if (name === "mask") throw invalidRequest(MASK_MESSAGE, "mask");
    if (name === "image" || name === "image[]") {
      images.push(value);
      continue;
    }
    if (fields.has(name)) throw invalidRequest(`\`${name}\` was sent more than once.`, name);
    fields.set(name, value);
  }
  return parseRequest(imageEditRequestSchema, { ...Object.fromEntries(fields), image: images });
}

/** The body as a stream that fails (and stops the upload) once it passes `limit` bytes; the form parser reads it once. */
function capStream(body: ReadableStream<Uint8Array> | null, limit: number) {
  let total = 0;
  let over = false;
  const stream = (body ?? new Blob([]).stream()).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > limit) {
          over = true;
          controller.error(new Error("body over the limit"));
        } else controller.enqueue(chunk);
      },
    }),
  );
  return { stream, over: () => over };
}

/** An account's edits whose bodies this process reads and stores at once (each up to the body cap). */
export const EDITS_AT_ONCE_PER_USER = 2;

const editSlots = new Map<string, Semaphore>();

/**
 * Runs one edit's upload and submit for `userId` once fewer than EDITS_AT_ONCE_PER_USER of theirs are
 * running in this process; later ones wait their turn, their bodies still unread in the socket. One
 * account cannot make the server hold many bodies in memory at once, and a retry burst (the same
 * Idempotency-Key sent again and again) still gets its one answer.
 */
export async function withEditSlot<T>(userId: string, task: () => Promise<T>): Promise<T> {
  let slots = editSlots.get(userId);
  if (!slots) {
    slots = createSemaphore(EDITS_AT_ONCE_PER_USER);
    editSlots.set(userId, slots);
  }
  try {
    return await slots.run(task);
  } finally {
    // The last one out forgets the account.
    if (slots.running === 0 && slots.waiting === 0 && editSlots.get(userId) === slots) editSlots.delete(userId);
  }
}

/** For tests: an account's edits running and waiting in this process. */
export function editSlotsOf(userId: string): { running: number; waiting: number } {
  const slots = editSlots.get(userId);
  return { running: slots?.running ?? 0, waiting: slots?.waiting ?? 0 };
}

const REFUSAL_STATUS = { too_large: 413, unsupported_type: 400, unreadable: 400, too_many_pixels: 400 } as const;

function refusedImage(position: number, count: number, refusal: Pick<StoreRefusal, "code" | "message">): ApiError {
  const which = count === 1 ? "The image" : `Image ${position} of ${count}`;
  return new ApiError(
    REFUSAL_STATUS[refusal.code],
    "invalid_request_error",
    refusal.code === "too_large" ? "image_too_large" : "invalid_image",
    `${which}: ${refusal.message}`,
    { param: "image" },
  );
}

/**
 * Submits an edit. Checked before anything is stored: the model, the number of images, each
 * file's size and the Idempotency-Key (fingerprinted by the fields and each file's SHA-256, so a
 * replay never stores the files again). Then each file is stored as a reference (the same file is
 * the same reference); a refused file, a refused submit, or losing a concurrent race under one
 * Idempotency-Key removes the references this request created that no generation uses.
 */
export async function submitApiEdit({
  userId,
  request,
  idempotencyHeader,
}: {
  userId: string;
  request: ImageEditRequest;
  idempotencyHeader: string | null;
}): Promise<Generation> {
  const { image: files, stream: _stream, ...fields } = request;
  const input = toStudioInput(fields, { models: editModels(), defaultModelId: DEFAULT_EDIT_MODEL.id });
  const limits = findModel(input.model)?.references;
  if (limits && files.length > limits.max) {
    throw invalidRequest(`${input.model} takes at most ${limits.max} images; you sent ${files.length}.`, "image");
  }
  for (const [i, file] of files.entries()) {
    if (file.size > REFERENCE_MAX_BYTES) {
      throw refusedImage(i + 1, files.length, { code: "too_large", message: REFERENCE_MESSAGES.tooLarge });
    }
  }
  const contents = await Promise.all(files.map(async (file) => Buffer.from(await file.arrayBuffer())));
  const sha256s = contents.map((bytes) => createHash("sha256").update(bytes).digest("hex"));
  const idempotencyKey = await submissionKey(db(), {
    userId,
    header: idempotencyHeader,
    body: { endpoint: "images.edits", ...fields, image: sha256s },
  });
  const replay = await db().generation.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  if (replay) return replay;
  // Each file becomes one of the caller's references: it counts as an upload, as from the picker.
  const limited = await checkRateLimit(db(), "referenceUploadsPerUser", userId, files.length);
  if (limited) {
    throw new ApiError(429, "rate_limit_error", "rate_limit_exceeded", limited.message, {
      headers: rateLimitHeaders(limited.result),
    });
  }

  const referenceIds: string[] = [];
  const created: string[] = [];
  let generation: Generation | null = null;
  try {
    for (const [i, bytes] of contents.entries()) {
      const stored = await storeReference(db(), objectStore(), { userId, bytes });
      if (!stored.ok) throw refusedImage(i + 1, files.length, stored);
      referenceIds.push(stored.reference.id);
      if (stored.created) created.push(stored.reference.id);
    }
    generation = await submitStudioGeneration({ userId, input: { ...input, referenceIds }, idempotencyKey });
    return generation;
  } finally {
    await removeUnused({ userId, created, generationId: generation?.id ?? null });
  }
}

/** The references this request created that the generation (if any) does not name. */
async function removeUnused({
  userId,
  created,
  generationId,
}: {
  userId: string;
  created: string[];
  generationId: string | null;
}): Promise<void> {
  if (created.length === 0) return;
  const used = generationId
    ? await db().generationReference.findMany({
        where: { generationId, generation: { userId } },
        select: { referenceImageId: true },
      })
    : [];
  const keep = new Set(used.map((u) => u.referenceImageId));
  for (const referenceId of created.filter((id) => !keep.has(id))) {
    await deleteReference(db(), objectStore(), { userId, referenceId }).catch((error: unknown) => {
      log.error("api: an unused reference of a refused edit was not removed", { referenceId, err: error });
    });
  }
}
