import { createHash } from "node:crypto";
import { readDimensions } from "@/lib/images/header";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "@/lib/images/limits";
import { upstreamError } from "@/lib/upstream/errors";

// What the critical path does with bytes from the image source before storing them: the type by
// magic bytes (never by a header someone else sent), the dimensions from the image's own header,
// the sha256. No pixel is decoded: thumbnails, placeholders and the full decode happen after the
// generation has settled (lib/images/derivatives.ts), so a finished image reaches the page without
// waiting for CPU work. The original is kept untouched: it is what "download" gives back.

export type ImageType = { contentType: "image/png" | "image/jpeg" | "image/webp"; ext: "png" | "jpg" | "webp" };

export type InspectedImage = ImageType & { bytes: Buffer; width: number; height: number; sha256: string };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG, JPEG or WebP by their signatures; null for anything else. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG)) return { contentType: "image/png", ext: "png" };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { contentType: "image/jpeg", ext: "jpg" };
  }
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") {
    return { contentType: "image/webp", ext: "webp" };
  }
  return null;
}

/** Type, dimensions and hash of an image, or a `not_an_image` UpstreamError. */
export function inspectImage(bytes: Buffer): InspectedImage {
  if (bytes.length > MAX_IMAGE_BYTES) throw notAnImage("larger than the size limit");
  const type = sniffImageType(bytes);
  if (!type) throw notAnImage("not PNG, JPEG or WebP by its signature");
  const size = readDimensions(bytes, type.ext);
  if (!size) throw notAnImage(`no readable ${type.ext} header`);
  // Refused before anything decodes it: a decompression bomb is small on the wire.
  if (size.width * size.height > MAX_IMAGE_PIXELS) throw notAnImage("more pixels than the contract allows");
  return { ...type, bytes, ...size, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function notAnImage(reason: string) {
  return upstreamError("not_an_image", { cause: reason });
}
