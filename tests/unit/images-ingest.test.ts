import { createHash } from "node:crypto";
import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { makeDerivatives, UndecodableImageError } from "../../lib/images/derivatives";
import { readDimensions } from "../../lib/images/header";
import { inspectImage, sniffImageType } from "../../lib/images/ingest";
import { UpstreamError } from "../../lib/upstream/types";

function picture(width: number, height: number) {
  const gradient = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#135"/><stop offset="1" stop-color="#fa4"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(gradient));
}

function refused(bytes: Buffer): UpstreamError {
  let error: unknown = null;
  try {
    inspectImage(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("inspectImage (the critical path: no decoding)", () => {
  it.each([
    ["png", "image/png", (s: Sharp) => s.png()],
    ["jpg", "image/jpeg", (s: Sharp) => s.jpeg()],
    ["webp", "image/webp", (s: Sharp) => s.webp()],
    ["webp", "image/webp", (s: Sharp) => s.webp({ lossless: true })],
  ] as const)(
    "keeps a %s (%s) as it came, with its size from the header and its hash",
    async (ext, contentType, encode) => {
      const bytes = await encode(picture(1536, 1024)).toBuffer();
      const image = inspectImage(bytes);
      expect(image).toMatchObject({ ext, contentType, width: 1536, height: 1024 });
      expect(image.bytes).toBe(bytes);
      expect(image.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    },
  );

  it("reads the size of an extended WebP (VP8X: alpha) and a progressive JPEG", async () => {
    const alpha = await sharp({ create: { width: 300, height: 200, channels: 4, background: "#fa48" } })
      .webp()
      .toBuffer();
    expect(alpha.toString("latin1", 12, 16)).toBe("VP8X");
    expect(inspectImage(alpha)).toMatchObject({ width: 300, height: 200 });
    expect(inspectImage(await picture(640, 480).jpeg({ progressive: true }).toBuffer())).toMatchObject({
      width: 640,
      height: 480,
    });
  });

  it("turns a JPEG's size by its EXIF orientation, as browsers show it", async () => {
    const rotated = await picture(400, 300).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(readDimensions(rotated, "jpg")).toEqual({ width: 300, height: 400 });
    const upright = await picture(400, 300).jpeg().withMetadata({ orientation: 3 }).toBuffer();
    expect(readDimensions(upright, "jpg")).toEqual({ width: 400, height: 300 });
  });

  it("refuses images with more pixels than the contract allows, before decoding them", async () => {
    const bomb = await sharp({ create: { width: 8192, height: 8192, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    expect(refused(bomb).code).toBe("not_an_image");
  });

  it.each([
    ["HTML served as an image", Buffer.from("<!doctype html><html><body>hi</body></html>")],
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ["GIF", Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64")],
    ["nothing", Buffer.alloc(0)],
    ["a PNG signature and then junk", Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(200, 7)])],
    ["a JPEG signature and then junk", Buffer.concat([Buffer.from("ffd8ffe0", "hex"), Buffer.alloc(200, 7)])],
    [
      "a WebP signature and then junk",
      Buffer.concat([Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"), Buffer.alloc(40, 7)]),
    ],
    ["a PNG cut inside its header", Buffer.from("89504e470d0a1a0a0000000d49484452000004", "hex")],
  ])("refuses %s", (_name, bytes) => {
    expect(refused(bytes).code).toBe("not_an_image");
  });

  it("refuses anything over the byte limit without reading it", () => {
    const huge = Buffer.alloc(41 * 1024 * 1024);
    Buffer.from("89504e470d0a1a0a", "hex").copy(huge);
    expect(refused(huge).code).toBe("not_an_image");
  });
});

describe("makeDerivatives (the follow-up job: full decode)", () => {
  it("makes a WebP thumbnail and a tiny placeholder", async () => {
    const derived = await makeDerivatives(await picture(1536, 1024).png().toBuffer(), "png");
    expect(await sharp(derived.thumbnail).metadata()).toMatchObject({ format: "webp", width: 512, height: 341 });
    expect(derived.placeholder).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/=]+$/);
    expect(derived.placeholder.length).toBeLessThan(1000);
    const placeholder = await sharp(Buffer.from(derived.placeholder.split(",")[1] ?? "", "base64")).metadata();
    expect(placeholder).toMatchObject({ format: "webp", width: 16, height: 11 });
  });

  it("does not enlarge small images, and handles the largest size the contract allows", async () => {
    const small = await makeDerivatives(await picture(300, 200).png().toBuffer(), "png");
    expect(await sharp(small.thumbnail).metadata()).toMatchObject({ width: 300, height: 200 });
    const large = await makeDerivatives(await picture(4096, 4096).png({ compressionLevel: 1 }).toBuffer(), "png");
    expect(await sharp(large.thumbnail).metadata()).toMatchObject({ width: 512, height: 512 });
  });

  it("refuses a truncated PNG whose header alone looked fine", async () => {
    const png = await picture(800, 600).png().toBuffer();
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    expect(inspectImage(truncated)).toMatchObject({ width: 800, height: 600 });
    await expect(makeDerivatives(truncated, "png")).rejects.toBeInstanceOf(UndecodableImageError);
  });

  it("refuses bytes whose signature and content disagree", async () => {
    await expect(makeDerivatives(await picture(64, 64).png().toBuffer(), "jpg")).rejects.toBeInstanceOf(
      UndecodableImageError,
    );
  });
});

describe("sniffImageType", () => {
  it("goes by signature only", () => {
    expect(sniffImageType(Buffer.from("89504e470d0a1a0a00", "hex"))?.ext).toBe("png");
    expect(sniffImageType(Buffer.from("ffd8ffdb", "hex"))?.ext).toBe("jpg");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"))?.ext).toBe("webp");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WAVEfmt ", "latin1"))).toBeNull();
    expect(sniffImageType(Buffer.from("GIF89a"))).toBeNull();
  });
});
