// `npm run assets`: renders the site's icons and Open Graph card from the SVGs in assets/ into
// public/. The PNGs are committed; run this again after editing an SVG.
import { copyFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";

const icon = "assets/icon.svg";

async function png(source: string, width: number, height: number): Promise<Buffer> {
  return sharp(source, { density: 300 }).resize(width, height).png({ compressionLevel: 9 }).toBuffer();
}

/** An .ico holding PNG images (every browser since IE 11 reads PNG entries). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

const outputs: [target: string, source: string, width: number, height: number][] = [
  ["public/apple-touch-icon.png", icon, 180, 180],
  ["public/icon-192.png", icon, 192, 192],
  ["public/icon-512.png", icon, 512, 512],
  ["public/og-image.png", "assets/og-image.svg", 1200, 630],
];
for (const [target, source, width, height] of outputs) {
  writeFileSync(target, await png(source, width, height));
  console.log(`${target} (${width}x${height})`);
}
writeFileSync(
  "public/favicon.ico",
  ico(await Promise.all([16, 32, 48].map(async (size) => ({ size, data: await png(icon, size, size) })))),
);
console.log("public/favicon.ico (16, 32, 48)");
copyFileSync(icon, "public/icon.svg");
console.log("public/icon.svg");
