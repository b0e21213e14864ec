// Measures what the studio spends keeping one image on the critical path (type by signature,
// dimensions from the header, sha256, writing the original to the object store) and, separately,
// what the derivatives job spends on it afterwards (full decode, WebP thumbnail, placeholder,
// writing the thumbnail), for a 4096x4096 PNG (the largest the contract allows). The store is a
// disk store in a temporary directory, like the default STORAGE_DIR setup.
//
//   npm run bench:ingest -- [--runs 20]
//
// `benchIngest()` is also imported by the generation benchmark.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { makeDerivatives } from "../lib/images/derivatives";
import { inspectImage } from "../lib/images/ingest";
import { DEFAULT_MODEL_ID } from "../lib/models";
import { createDiskStore } from "../lib/storage/disk";
import { imageKey, thumbKey } from "../lib/storage/types";
import { createDemoSource } from "../lib/upstream/demo-source";

export type IngestBenchResult = {
  runs: number;
  imageBytes: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The derivatives job's work for the same image, off the critical path. */
  derivativesP50Ms: number;
  derivativesP95Ms: number;
  /** The process's peak resident memory so far (sample generation included). */
  peakRssMb: number;
};

/** A 4096x4096 PNG with a photograph's texture: the demo art plus grain, so it compresses like a real one. */
async function sampleImage(): Promise<Buffer> {
  const demo = createDemoSource({ durationMs: 0 });
  const params = { prompt: "benchmark", image_size: { width: 4096, height: 4096 }, num_images: 1, seed: 1 } as const;
  const [image] = (
    await demo.generate(DEFAULT_MODEL_ID, { ...params, enable_safety_checker: true, sync_mode: false }, {})
  ).images;
  if (image?.kind !== "bytes") throw new Error("the demo source returns bytes");
  const grain = await sharp({
    create: {
      width: 4096,
      height: 4096,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 1 },
    },
  })
    .png()
    .toBuffer();
  return sharp(image.bytes)
    .composite([{ input: grain, blend: "overlay" }])
    .png()
    .toBuffer();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchIngest(options: { runs?: number } = {}): Promise<IngestBenchResult> {
  const runs = options.runs ?? 20;
  const bytes = await sampleImage();
  const dir = await mkdtemp(path.join(os.tmpdir(), "atelier-bench-ingest-"));
  const store = createDiskStore(dir);
  const times: number[] = [];
  const later: number[] = [];
  try {
    for (let run = -2; run < runs; run++) {
      const started = performance.now();
      const image = inspectImage(bytes);
      await store.put(imageKey("bench", `g${run}`, 0, image.ext), image.bytes, image.contentType);
      const kept = performance.now();
      const derived = await makeDerivatives(image.bytes, image.ext);
      await store.put(thumbKey("bench", `g${run}`, 0), derived.thumbnail, "image/webp");
      // The first two runs warm up libvips and the file system; they are not counted.
      if (run >= 0) {
        times.push(kept - started);
        later.push(performance.now() - kept);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  later.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    runs,
    imageBytes: bytes.length,
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    maxMs: round(times[times.length - 1] ?? Number.NaN),
    derivativesP50Ms: round(percentile(later, 50)),
    derivativesP95Ms: round(percentile(later, 95)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--runs");
  const runs = at === -1 ? undefined : Number(process.argv[at + 1]);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error("--runs must be a positive integer");
  const result = await benchIngest({ runs });
  console.log(`Keeping a 4096x4096 PNG (${(result.imageBytes / 1024 / 1024).toFixed(1)} MB), ${result.runs} runs:`);
  console.log(
    "| critical path p50 ms | p95 ms | max ms | derivatives job p50 ms | p95 ms | peak RSS MB |\n| ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  console.log(
    `| ${result.p50Ms} | ${result.p95Ms} | ${result.maxMs} | ${result.derivativesP50Ms} | ${result.derivativesP95Ms} | ${result.peakRssMb} |`,
  );
}
