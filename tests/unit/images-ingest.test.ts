import { createHash } from "node:crypto";
import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { ingestImage, sniffImageType } from "../../lib/images/ingest";
import { UpstreamError } from "../../lib/upstream/types";

function picture(width: number, height: number) {
  const gradient = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#135"/><stop offset="1" stop-color="#fa4"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(gradient));
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("ingestImage", () => {
  it.each([
    ["png", "image/png", (s: Sharp) => s.png()],
    ["jpg", "image/jpeg", (s: Sharp) => s.jpeg()],
    ["webp", "image/webp", (s: Sharp) => s.webp()],
  ] as const)(
    "keeps a %s as it came, with its facts, a thumbnail and a placeholder",
    async (ext, contentType, encode) => {
      const bytes = await encode(picture(1536, 1024)).toBuffer();
      const image = await ingestImage(bytes);
      expect(image).toMatchObject({ ext, contentType, width: 1536, height: 1024 });
      expect(image.bytes).toBe(bytes);
      expect(image.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      const thumb = await sharp(image.thumbnail).metadata();
      expect(thumb).toMatchObject({ format: "webp", width: 512, height: 341 });
      expect(image.placeholder).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/=]+$/);
      expect(image.placeholder.length).toBeLessThan(1000);
      const placeholder = await sharp(Buffer.from(image.placeholder.split(",")[1] ?? "", "base64")).metadata();
      expect(placeholder).toMatchObject({ format: "webp", width: 16, height: 11 });
    },
  );

  it("does not enlarge small images for the thumbnail", async () => {
    const image = await ingestImage(await picture(300, 200).png().toBuffer());
    expect(await sharp(image.thumbnail).metadata()).toMatchObject({ width: 300, height: 200 });
  });

  it("handles the largest size the contract allows", async () => {
    const image = await ingestImage(await picture(4096, 4096).png({ compressionLevel: 1 }).toBuffer());
    expect(image).toMatchObject({ width: 4096, height: 4096 });
    expect(await sharp(image.thumbnail).metadata()).toMatchObject({ width: 512, height: 512 });
  });

  it("refuses images with more pixels than the contract allows, before decoding them", async () => {
    const bomb = await sharp({ create: { width: 8192, height: 8192, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    expect((await failure(ingestImage(bomb))).code).toBe("not_an_image");
  });

  it.each([
    ["HTML served as an image", Buffer.from("<!doctype html><html><body>hi</body></html>")],
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ["GIF", Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64")],
    ["nothing", Buffer.alloc(0)],
    ["a PNG signature and then junk", Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(200, 7)])],
    ["a JPEG signature and then junk", Buffer.concat([Buffer.from("ffd8ffe0", "hex"), Buffer.alloc(200, 7)])],
  ])("refuses %s", async (_name, bytes) => {
    expect((await failure(ingestImage(bytes))).code).toBe("not_an_image");
  });

  it("refuses a truncated PNG", async () => {
    const png = await picture(800, 600).png().toBuffer();
    expect((await failure(ingestImage(png.subarray(0, Math.floor(png.length / 2))))).code).toBe("not_an_image");
  });

  it("refuses anything over the byte limit without decoding it", async () => {
    const huge = Buffer.alloc(41 * 1024 * 1024);
    Buffer.from("89504e470d0a1a0a", "hex").copy(huge);
    expect((await failure(ingestImage(huge))).code).toBe("not_an_image");
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
