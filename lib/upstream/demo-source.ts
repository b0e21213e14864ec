import { createHash, randomInt } from "node:crypto";
import sharp from "sharp";
import { withCpuSlot } from "@/lib/cpu-slots";
import { SEED_MAX } from "@/lib/generations/settings";
import { findModel, type RequestSummary } from "@/lib/models";
import { sleep } from "@/lib/upstream/sleep";
import type { ImageSource, SourceImage } from "@/lib/upstream/types";

// The image source of a studio without an AI/ML API key: no network, no provider money. It serves
// every model of the registry from the request alone (the entry's `summarize`), deterministically:
// - generate: abstract art drawn from a hash of (prompt, seed, size, index), so the same seed and
//   prompt give byte-identical PNGs, as the contract promises for the real model;
// - edit: the reference images side by side on the asked size, tinted by the same hash;
// - upscale: the one reference resized so its longer side is the asked resolution.
// It takes a second or two, like a fast real generation, so the studio's waiting states are seen.

export type DemoSourceOptions = {
  /** How long a generation takes; defaults to 1-2 s, varying with the request. Tests pass 0. */
  durationMs?: number;
};

export function createDemoSource(options: DemoSourceOptions = {}): ImageSource {
  return {
    kind: "DEMO",
    async generate(modelId, request, { signal }) {
      const started = performance.now();
      const model = findModel(modelId);
      if (!model) throw new Error(`model ${modelId} is not in the registry`);
      const asked = model.summarize(model.request.parse(request));
      const seed = model.seed ? (asked.seed ?? randomInt(1, SEED_MAX + 1)) : null;
      const images: SourceImage[] = [];
      for (let index = 0; index < asked.images; index++) {
        signal?.throwIfAborted();
        const hash = createHash("sha256").update(`${asked.prompt}\0${seed}\0${asked.width}x${asked.height}\0${index}`);
        for (const reference of asked.references) hash.update(`\0${reference}`);
        const digest = hash.digest();
        // Rendering is this source's "model" time, but it is CPU work on our own cores: it waits its turn.
        images.push({ kind: "bytes", bytes: await withCpuSlot(() => render(asked, digest)) });
      }
      const duration = options.durationMs ?? 1000 + ((seed ?? 0) % 1000);
      await sleep(duration - (performance.now() - started), signal);
      return { images, seed, tokensUsed: null, requestId: null, upstreamMs: Math.round(performance.now() - started) };
    },
  };
}

function render(asked: RequestSummary, digest: Buffer): Promise<Buffer> {
  if (asked.mode === "upscale") return upscaled(asked);
  if (asked.mode === "edit") return composite(asked, digest);
  return renderArt(digest, asked.width, asked.height);
}

/** The bytes of a base64 data URL; links are not fetched (the demo has no network). */
function dataUrlBytes(url: string): Buffer {
  const match = /^data:image\/[a-z+.-]+;base64,(.*)$/s.exec(url);
  if (!match?.[1]) throw new Error("the demo source reads references as base64 data URLs only");
  return Buffer.from(match[1], "base64");
}

/** The reference, its longer side at the asked resolution (larger or smaller). */
async function upscaled(asked: RequestSummary): Promise<Buffer> {
  const [reference] = asked.references;
  if (reference === undefined) throw new Error("the upscaler needs its image");
  return sharp(dataUrlBytes(reference))
    .resize({ width: asked.width, height: asked.height, fit: "inside" })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** The references in equal columns across the asked size, washed with a hue from `digest`. */
async function composite(asked: RequestSummary, digest: Buffer): Promise<Buffer> {
  const { width, height } = asked;
  const count = Math.max(1, asked.references.length);
  const column = Math.floor(width / count);
  const tiles = await Promise.all(
    asked.references.map(async (reference, i) => ({
      input: await sharp(dataUrlBytes(reference))
        .resize({ width: i === count - 1 ? width - column * i : column, height, fit: "cover" })
        .toBuffer(),
      left: column * i,
      top: 0,
    })),
  );
  // A translucent wash of one hue: the references stay recognisable, the result is visibly "edited".
  const hue = ((digest[0] ?? 0) / 255) * 360;
  const wash = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="${width}" height="${height}" fill="hsl(${hue.toFixed(0)},70%,55%)" fill-opacity="0.3"/></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: "#808080" } })
    .composite([...tiles, { input: wash, left: 0, top: 0 }])
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Soft colour fields on a two-tone gradient, with a few thin rings: every number comes from `digest`. */
function renderArt(digest: Buffer, width: number, height: number): Promise<Buffer> {
  let cursor = 0;
  // 32 bytes are reused cyclically: enough variety for a handful of shapes.
  const next = () => (digest[cursor++ % digest.length] ?? 0) / 255;
  const hue = next() * 360;
  const spread = 40 + next() * 140;
  const color = (h: number, s: number, l: number) => `hsl(${(h % 360).toFixed(1)},${s.toFixed(0)}%,${l.toFixed(0)}%)`;
  const angle = next() * 360;
  const unit = Math.min(width, height);

  const defs: string[] = [
    `<linearGradient id="bg" gradientTransform="rotate(${angle.toFixed(1)} 0.5 0.5)">` +
      `<stop offset="0" stop-color="${color(hue, 55, 18)}"/><stop offset="1" stop-color="${color(hue + spread, 60, 42)}"/></linearGradient>`,
  ];
  const shapes: string[] = [`<rect width="${width}" height="${height}" fill="url(#bg)"/>`];
  const blobs = 4 + Math.floor(next() * 4);
  for (let i = 0; i < blobs; i++) {
    const fill = color(hue + next() * spread * 1.5, 60 + next() * 30, 45 + next() * 30);
    defs.push(
      `<radialGradient id="b${i}"><stop offset="0" stop-color="${fill}" stop-opacity="0.85"/>` +
        `<stop offset="1" stop-color="${fill}" stop-opacity="0"/></radialGradient>`,
    );
    const r = unit * (0.15 + next() * 0.4);
    shapes.push(
      `<circle cx="${(next() * width).toFixed(0)}" cy="${(next() * height).toFixed(0)}" r="${r.toFixed(0)}" fill="url(#b${i})"/>`,
    );
  }
  const rings = 2 + Math.floor(next() * 3);
  for (let i = 0; i < rings; i++) {
    const r = unit * (0.05 + next() * 0.3);
    shapes.push(
      `<circle cx="${(next() * width).toFixed(0)}" cy="${(next() * height).toFixed(0)}" r="${r.toFixed(0)}" fill="none" ` +
        `stroke="${color(hue + 180, 30, 92)}" stroke-opacity="${(0.15 + next() * 0.35).toFixed(2)}" stroke-width="${(unit * 0.004).toFixed(1)}"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs>${defs.join("")}</defs>${shapes.join("")}</svg>`;
  return sharp(Buffer.from(svg), { limitInputPixels: false }).png({ compressionLevel: 6 }).toBuffer();
}
