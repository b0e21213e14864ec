import sharp, { type Metadata } from "sharp";
import { withCpuSlot } from "@/lib/cpu-slots";
import type { ImageType } from "@/lib/images/ingest";
import { MAX_IMAGE_PIXELS } from "@/lib/images/limits";

// What pages show before the original: a WebP thumbnail and a tiny blurred placeholder. Made by
// the derivatives job after a generation has settled (lib/images/derivatives-job.ts), never on the
// path between the model's answer and the finished card. This is also where an image is decoded
// in full for the first time. CPU-bound, so it runs behind the process's CPU slots.

export type Derivatives = {
  thumbnail: Buffer;
  /** A `data:image/webp;base64,...` URL of a few hundred bytes. */
  placeholder: string;
};

export const THUMBNAIL_MAX_PX = 512;
const PLACEHOLDER_PX = 16;

const SHARP_FORMAT: Record<ImageType["ext"], string> = { png: "png", jpg: "jpeg", webp: "webp" };

export class UndecodableImageError extends Error {
  constructor(reason: string) {
    super(`image cannot be decoded: ${reason}`);
    this.name = "UndecodableImageError";
  }
}

/** `maxPixels`: the decoder's bound; generated images stay within the contract's, references have their own. */
export function makeDerivatives(
  bytes: Buffer,
  ext: ImageType["ext"],
  maxPixels: number = MAX_IMAGE_PIXELS,
): Promise<Derivatives> {
  return withCpuSlot(async () => {
    // limitInputPixels refuses decompression bombs before any pixel is decoded; sequentialRead
    // streams rows so a 4096x4096 image is never held whole in memory.
    const input = () =>
      sharp(bytes, { limitInputPixels: maxPixels, sequentialRead: true, failOn: "error", animated: false });
    let thumbnail: Buffer;
    try {
      const metadata: Metadata = await input().metadata();
      if (metadata.format !== SHARP_FORMAT[ext])
        throw new Error(`signature says ${ext}, decoder says ${metadata.format}`);
      thumbnail = await input()
        .autoOrient()
        .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    } catch (cause) {
      throw new UndecodableImageError(cause instanceof Error ? cause.message : "undecodable");
    }
    const placeholder = await sharp(thumbnail)
      .resize(PLACEHOLDER_PX, PLACEHOLDER_PX, { fit: "inside" })
      .blur(0.6)
      .webp({ quality: 40 })
      .toBuffer();
    return { thumbnail, placeholder: `data:image/webp;base64,${placeholder.toString("base64")}` };
  });
}
