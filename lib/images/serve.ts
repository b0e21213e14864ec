import "server-only";
import { db } from "@/lib/db";
import { notFoundResponse as notFound } from "@/lib/http/route-errors";
import { log } from "@/lib/log";
import { objectStore } from "@/lib/storage";
import type { ObjectStore } from "@/lib/storage/types";

// Builds the answer of GET /api/images/:id. Ownership is part of the query: another user's image
// and a missing one give the same 404, so ids reveal nothing. The browser may keep a copy but must
// ask again before each use (`private, no-cache`): the owner check runs every time, a copy left in
// a shared computer's cache is not served to the next person without it, and the ETag (the
// image's SHA-256) makes the re-check a 304 without the bytes.

export type ImageVariant = "original" | "thumb";

export type ImageRequest = {
  imageId: string;
  userId: string;
  variant: ImageVariant;
  download: boolean;
  /** The request's If-None-Match header, if any. */
  ifNoneMatch?: string | null;
  store?: ObjectStore;
};

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

export async function imageResponse(request: ImageRequest): Promise<Response> {
  const image = await db().image.findFirst({
    where: { id: request.imageId, userId: request.userId },
    select: {
      index: true,
      storageKey: true,
      thumbKey: true,
      contentType: true,
      sha256: true,
      generation: { select: { prompt: true } },
    },
  });
  if (!image) return notFound();

  // Until the derivatives job has made the thumbnail, the original stands in for it, and is not
  // cached under the thumbnail's address (the thumbnail will replace it there).
  const standIn = request.variant === "thumb" && image.thumbKey === null;
  const thumb = request.variant === "thumb" && !standIn;
  const download = request.download
    ? attachment(
        `${filenameStem(image.generation.prompt)}-${image.index + 1}.${thumb ? "webp" : (EXTENSIONS[image.contentType] ?? "bin")}`,
      )
    : null;
  return privateImageResponse({
    etag: `"${image.sha256}${thumb ? "-thumb" : ""}"`,
    contentType: thumb ? "image/webp" : image.contentType,
    ifNoneMatch: request.ifNoneMatch,
    ...(download ? { headers: { "content-disposition": download } } : {}),
    load: () => (request.store ?? objectStore()).get(thumb && image.thumbKey ? image.thumbKey : image.storageKey),
    missing: { imageId: request.imageId, variant: request.variant },
  });
}

/**
 * The answer with a private image's bytes, once the caller has checked who owns it: its exact
 * type, nosniff, `private, no-cache` and an ETag (a 304 without the bytes when the browser has
 * them). A stored object gone missing is logged and answers 404.
 */
export async function privateImageResponse(options: {
  etag: string;
  contentType: string;
  ifNoneMatch?: string | null | undefined;
  headers?: Record<string, string>;
  load: () => Promise<Buffer | null>;
  /** What the log line about a missing object names. */
  missing: Record<string, string>;
}): Promise<Response> {
  const headers = new Headers({
    "content-type": options.contentType,
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-cache",
    etag: options.etag,
    ...options.headers,
  });
  if (options.ifNoneMatch?.split(",").some((tag) => tag.trim() === options.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const bytes = await options.load();
  if (!bytes) {
    log.error("images: stored object missing", options.missing);
    return notFound();
  }
  headers.set("content-length", String(bytes.length));
  return new Response(new Uint8Array(bytes), { status: 200, headers });
}

/** "atelier-a-fox-in-the-snow": the prompt's first words, ASCII only, so every browser keeps the name. */
export function filenameStem(prompt: string): string {
  const words = prompt
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .slice(0, 6)
    .join("-")
    .slice(0, 60)
    .replace(/-+$/, "");
  return words ? `atelier-${words}` : "atelier-image";
}

function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}
