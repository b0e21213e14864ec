import { createHash } from "node:crypto";
import sharp, { type Metadata } from "sharp";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "@/lib/images/limits";
import { upstreamError } from "@/lib/upstream/errors";

// Turns bytes from the image source into what the studio keeps: the original file untouched (it
// is what "download" gives back), its type decided by magic bytes (never by a header someone else
// sent), its size, sha256, a WebP thumbnail and a tiny blurred placeholder for the page to show
// while the thumbnail loads.

export type ImageType = { contentType: "image/png" | "image/jpeg" | "image/webp"; ext: "png" | "jpg" | "webp" };

export type IngestedImage = ImageType & {
  bytes: Buffer;
  width: number;
  height: number;
  sha256: string;
  thumbnail: Buffer;
  /** A `data:image/webp;base64,...` URL of a few hundred bytes. */
  placeholder: string;
};

export const THUMBNAIL_MAX_PX = 512;
const PLACEHOLDER_PX = 16;

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

const SHARP_FORMAT: Record<ImageType["ext"], string> = { png: "png", jpg: "jpeg", webp: "webp" };

export async function ingestImage(bytes: Buffer): Promise<IngestedImage> {
  if (bytes.length > MAX_IMAGE_BYTES) throw notAnImage("larger than the size limit");
  const type = sniffImageType(bytes);
  if (!type) throw notAnImage("not PNG, JPEG or WebP by its signature");

  // limitInputPixels refuses decompression bombs before any pixel is decoded; sequentialRead
  // streams rows so a 4096x4096 image is never held whole in memory.
  const input = () =>
    sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, sequentialRead: true, failOn: "error", animated: false });
  let metadata: Metadata;
  let thumbnail: Buffer;
  try {
    metadata = await input().metadata();
    if (metadata.format !== SHARP_FORMAT[type.ext])
      throw new Error(`signature says ${type.ext}, decoder says ${metadata.format}`);
    thumbnail = await input()
      .autoOrient()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (cause) {
    throw notAnImage(cause instanceof Error ? cause.message : "undecodable");
  }
  const placeholder = await sharp(thumbnail)
    .resize(PLACEHOLDER_PX, PLACEHOLDER_PX, { fit: "inside" })
    .blur(0.6)
    .webp({ quality: 40 })
    .toBuffer();
  const oriented = metadata.autoOrient ?? metadata;
  if (!oriented.width || !oriented.height) throw notAnImage("no dimensions");

  return {
    ...type,
    bytes,
    width: oriented.width,
    height: oriented.height,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    thumbnail,
    placeholder: `data:image/webp;base64,${placeholder.toString("base64")}`,
  };
}

function notAnImage(reason: string) {
  return upstreamError("not_an_image", { cause: reason });
}
