import sharp from "sharp";
import { withCpuSlot } from "@/lib/cpu-slots";
import type { Db } from "@/lib/db";
import type { ReferenceLimits } from "@/lib/models";
import { REFERENCE_MAX_PIXELS, type ReferenceType } from "@/lib/references/limits";
import { ownedReferences, ReferenceNotFoundError } from "@/lib/references/lineage";
import type { ObjectStore } from "@/lib/storage/types";

// The provider cannot fetch private images, so references travel inside the request as base64
// data URLs, each made to fit the model's limits: sent as stored when it already fits, otherwise
// turned upright, scaled down to the pixel and side bounds, and re-encoded (the stored type when
// the model takes it, else JPEG or PNG), stepping quality and then size down until the bytes fit.
// The limits are the model's (its registry entry's `references`). `maxBytes` bounds the image file,
// not the base64 text (which is a third longer). No
// `server-only`: the generation job (lib/generations/run.ts) runs it in `npm run worker` too.

export class ReferenceTooLargeError extends Error {
  constructor(referenceId: string) {
    super(`reference ${referenceId} cannot be made to fit the model's limits`);
    this.name = "ReferenceTooLargeError";
  }
}

/**
 * The user's references as data URLs fitting `limits`, in the order given (each id once). Throws
 * ReferenceNotFoundError (lib/references/lineage.ts) before reading any file when an id is not one
 * of the user's live references.
 */
export async function referenceDataUrls(
  database: Db,
  store: ObjectStore,
  { userId, referenceIds, limits }: { userId: string; referenceIds: readonly string[]; limits: ReferenceLimits },
): Promise<string[]> {
  const references = await ownedReferences(database, { userId, ids: referenceIds });
  const urls: string[] = [];
  for (const reference of references) {
    const bytes = await store.get(reference.storageKey);
    // Its file is gone (storage lost it): as unusable as a reference that does not exist.
    if (!bytes) throw new ReferenceNotFoundError([reference.id]);
    const fitted = await fitReference(bytes, reference.contentType as ReferenceType, limits);
    if (!fitted) throw new ReferenceTooLargeError(reference.id);
    urls.push(`data:${fitted.contentType};base64,${fitted.bytes.toString("base64")}`);
  }
  return urls;
}

export type Fitted = { bytes: Buffer; contentType: ReferenceType; width: number; height: number };

/** One image made to fit, or null when even a small JPEG (or PNG) of it would not. */
export async function fitReference(
  bytes: Buffer,
  type: ReferenceType,
  limits: ReferenceLimits,
): Promise<Fitted | null> {
  const meta = await sharp(bytes, { limitInputPixels: REFERENCE_MAX_PIXELS }).metadata();
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const scale = scaleFor(width, height, limits);
  const upright = (meta.orientation ?? 1) === 1;
  if (scale === 1 && upright && limits.types.includes(type) && bytes.length <= limits.maxBytes) {
    return { bytes, contentType: type, width, height };
  }
  return withCpuSlot(async () => {
    const formats = encodeOrder(type, limits.types);
    // The stored type first (a PNG stays lossless), lossy qualities next, then 80% of the size each pass.
    for (let step = 0, factor = scale; step < 8; step++, factor *= 0.8) {
      const w = Math.max(1, Math.floor(width * factor));
      const h = Math.max(1, Math.floor(height * factor));
      // PNG only in the first pass (unless it is all the model takes): slow to encode, and the lossy
      // types shrink far more for the same loss of size.
      for (const attempt of step === 0 || formats.length === 1
        ? formats
        : formats.filter((f) => f.type !== "image/png")) {
        const out = await encode(bytes, w, h, attempt);
        if (out.length <= limits.maxBytes) return { bytes: out, contentType: attempt.type, width: w, height: h };
      }
    }
    return null;
  });
}

function scaleFor(width: number, height: number, limits: ReferenceLimits): number {
  // Floors, so rounding never lands a pixel over a bound.
  let scale = Math.min(1, limits.maxWidth / width, limits.maxHeight / height);
  while (Math.floor(width * scale) > limits.maxWidth || Math.floor(height * scale) > limits.maxHeight) scale *= 0.999;
  return scale;
}

type Attempt = { type: ReferenceType; quality: number };

/** The stored type first when the model takes it (PNG stays lossless once), then lossy ones at falling quality. */
function encodeOrder(type: ReferenceType, allowed: readonly ReferenceType[]): Attempt[] {
  const attempts: Attempt[] = [];
  if (allowed.includes(type)) attempts.push({ type, quality: 90 });
  const lossy = allowed.filter((t): t is "image/jpeg" | "image/webp" => t !== "image/png");
  for (const quality of [85, 75]) for (const t of lossy) attempts.push({ type: t, quality });
  if (attempts.length === 0 && allowed.includes("image/png")) attempts.push({ type: "image/png", quality: 100 });
  return attempts;
}

function encode(bytes: Buffer, width: number, height: number, { type, quality }: Attempt): Promise<Buffer> {
  const pipeline = sharp(bytes, { limitInputPixels: REFERENCE_MAX_PIXELS, failOn: "error" })
    .autoOrient()
    .resize(width, height, { fit: "fill" });
  if (type === "image/png") return pipeline.png({ compressionLevel: 9 }).toBuffer();
  // JPEG has no transparency: transparent areas become white, as most viewers show them.
  if (type === "image/jpeg")
    return pipeline.flatten({ background: "#ffffff" }).jpeg({ quality, mozjpeg: true }).toBuffer();
  return pipeline.webp({ quality }).toBuffer();
}
