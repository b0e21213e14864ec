// npm run bench:history-page — the history page end to end in Chromium: a signed-in user with
// 100,000 generations opens /history on a production build (`npm start`'s launcher: build when the
// sources changed, then `next start`); each run is a fresh browser context (no cache) and measures
// navigation start to largest contentful paint (LCP), with time to first byte beside it.
//
//   npm run bench:history-page                       # embedded PostgreSQL 18, 100,000 rows, 20 runs
//   npm run bench:history-page -- --rows 2000 --runs 5   # a smoke run
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:history-page
//
// With BENCH_DATABASE_URL (or TEST_DATABASE_URL) it seeds a database of its own on that server and
// drops it afterwards; without, it starts a throw-away embedded PostgreSQL. Prints the results;
// docs/benchmarks.md ("History page") says how to read them.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import pg from "pg";
import sharp from "sharp";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../lib/embedded-postgres";
import { migrate } from "../lib/migrate";
import { DEFAULT_MODEL_ID } from "../lib/models";

const { values: options } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    runs: { type: "string", default: "20" },
  },
});
const ROWS = Number(options.rows);
const RUNS = Number(options.runs);
if (!(ROWS >= 24 && RUNS >= 1)) {
  console.error("--rows must be at least 24 (one page), --runs at least 1");
  process.exit(1);
}
// Image files exist for the newest rows only: the first page and the next one.
const ROWS_WITH_FILES = 48;
const USER_ID = "benchpageuser00000000000";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A database of this benchmark's own: a new one on the given server, or the embedded server's. */
async function openDatabase(): Promise<{ url: string; close: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!given) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "atelier-bench-page-pg-"));
    const server: EmbeddedPostgres = await startEmbeddedPostgres({
      dataDir: path.join(dir, "postgres"),
      ephemeral: true,
    });
    return {
      url: server.url,
      close: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `atelier_bench_page_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: given });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(given);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    close: async () => {
      const client = new pg.Client({ connectionString: given });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The user, their rows (one image each), a session, and real image files for the newest rows. */
async function seed(url: string, storageDir: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  await client.query(`INSERT INTO "User" ("id", "email", "updatedAt") VALUES ($1, 'bench-page@example.com', now())`, [
    USER_ID,
  ]);
  await client.query(
    `INSERT INTO "Generation" ("id", "userId", "idempotencyKey", "model", "source", "prompt", "sizePreset", "width",
        "height", "aspect", "numImages", "seedUsed", "status", "costCredits", "chargedCredits", "tokensUsed",
        "favorite", "deadlineAt", "createdAt", "startedAt", "completedAt", "upstreamMs")
     SELECT 'g' || lpad(to_hex(i), 24, '0'), $1, 'bench-' || i, $3, 'DEMO',
            'A lighthouse in watercolor style at dusk, number ' || i, 'square', 1024, 1024, '1:1', 1, i,
            'COMPLETED', 3, 3, 16000, i % 37 = 0, t.created + interval '10 minutes', t.created, t.created,
            t.created + interval '4 seconds', 4000
     FROM generate_series(1, $2::int) i
     CROSS JOIN LATERAL (SELECT timestamp '2026-11-25 00:00:00' - make_interval(secs => i * 60) AS created) t`,
    [USER_ID, ROWS, DEFAULT_MODEL_ID],
  );
  await client.query(
    `INSERT INTO "Image" ("id", "generationId", "userId", "index", "storageKey", "thumbKey", "contentType", "width",
        "height", "bytes", "sha256", "placeholder")
     SELECT 'm' || substr(g."id", 2), g."id", g."userId", 0, 'bench/' || g."id" || '.png', 'bench/' || g."id" || '.webp',
            'image/png', 1024, 1024, 1500000, md5(g."id"),
            'data:image/webp;base64,UklGRkIAAABXRUJQVlA4IDYAAADwAQCdASoIAAgAAUAmJaQAA3AA/v02aAAAAA=='
     FROM "Generation" g`,
  );
  const token = randomBytes(32).toString("hex");
  await client.query(
    `INSERT INTO "Session" ("id", "sessionToken", "userId", "expires") VALUES ($1, $2, $3, now() + interval '1 day')`,
    [`s${randomBytes(8).toString("hex")}`, token, USER_ID],
  );
  await client.query("ANALYZE");
  const newest = await client.query<{ id: string }>(
    `SELECT "id" FROM "Generation" WHERE "userId" = $1 ORDER BY "createdAt" DESC, "id" DESC LIMIT ${ROWS_WITH_FILES}`,
    [USER_ID],
  );
  await client.end();
  // A thumbnail like the studio's own (512 px WebP of a photo-like gradient), written where the disk store reads.
  await mkdir(path.join(storageDir, "bench"), { recursive: true });
  const thumb = await sharp({
    create: {
      width: 512,
      height: 512,
      channels: 3,
      background: { r: 40, g: 90, b: 160 },
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .webp({ quality: 80 })
    .toBuffer();
  for (const { id } of newest.rows) await writeFile(path.join(storageDir, "bench", `${id}.webp`), thumb);
  console.log(`seeded ${ROWS.toLocaleString()} generations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return token;
}

async function startStudio(databaseUrl: string, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
      AUTH_URL: undefined,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://localhost:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the studio exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 500));
  }
}

type Sample = { lcpMs: number; ttfbMs: number; cards: number };

async function measure(url: string, token: string): Promise<Sample[]> {
  const systemChromium = "/usr/bin/chromium";
  const browser = await chromium.launch(
    existsSync(systemChromium)
      ? { executablePath: systemChromium, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] }
      : {},
  );
  const samples: Sample[] = [];
  try {
    // One unmeasured visit compiles nothing (production build) but fills the server's caches.
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name: "authjs.session-token", value: token, url }]);
      const page = await context.newPage();
      await page.goto(`${url}/history`, { waitUntil: "load" });
      if (!page.url().includes("/history")) throw new Error(`not signed in: landed on ${page.url()}`);
      const sample = await page.evaluate(
        () =>
          new Promise<Sample>((resolve) => {
            // LCP entries are reported as larger elements paint; the last one before input is the LCP.
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              const last = entries[entries.length - 1];
              const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
              setTimeout(
                () =>
                  resolve({
                    lcpMs: last?.startTime ?? Number.NaN,
                    ttfbMs: nav?.responseStart ?? Number.NaN,
                    cards: document.querySelectorAll('ul[aria-label="Generations"] > li').length,
                  }),
                500,
              );
            }).observe({ type: "largest-contentful-paint", buffered: true });
          }),
      );
      if (run > 0) samples.push(sample);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return samples;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const [loadAtStart = 0] = os.loadavg();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "atelier-bench-page-"));
  const database = await openDatabase();
  let studio: ChildProcess | undefined;
  try {
    await migrate(database.url);
    const token = await seed(database.url, path.join(dataDir, "images"));
    const started = await startStudio(database.url, dataDir);
    studio = started.child;
    const samples = await measure(started.url, token);
    const lcp = samples.map((s) => s.lcpMs).sort((a, b) => a - b);
    const ttfb = samples.map((s) => s.ttfbMs).sort((a, b) => a - b);
    console.log(
      `\nhistory page, ${ROWS.toLocaleString()} rows, ${samples.length} runs (fresh context each), ${os.cpus().length} cores, load average ${loadAtStart.toFixed(1)} at start:`,
    );
    console.log(
      `  navigation → LCP  p50 ${percentile(lcp, 50).toFixed(0)} ms  p95 ${percentile(lcp, 95).toFixed(0)} ms  max ${lcp.at(-1)?.toFixed(0)} ms`,
    );
    console.log(
      `  time to first byte p50 ${percentile(ttfb, 50).toFixed(0)} ms  p95 ${percentile(ttfb, 95).toFixed(0)} ms`,
    );
    console.log(`  cards on the first page: ${samples[0]?.cards ?? 0}`);
  } finally {
    if (studio && studio.exitCode === null) {
      studio.kill("SIGTERM");
      await new Promise((r) => studio?.once("exit", r));
    }
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
