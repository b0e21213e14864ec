// The studio's own overhead per generation: from submit (the server action's work) until the
// finished generation is visible to the status query the page polls, minus the time the upstream
// took. Runs the real flow — submitGeneration, pg-boss, the worker, the AI/ML API client against
// the local fake upstream, download, ingest, storage, settle — at 1 and at 20 concurrent users,
// plus the ingest of one 4096x4096 image (scripts/bench-ingest.ts). Writes the "Generation"
// section of docs/benchmarks.md (other sections are left as they are).
//
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:generate
//
// Without BENCH_DATABASE_URL/TEST_DATABASE_URL it uses an embedded PostgreSQL and runs only the
// one-user case: that server takes one statement at a time and garbles concurrent connections.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startFakeUpstream } from "../tests/support/fake-upstream";
import { benchIngest } from "./bench-ingest";

const UPSTREAM_LATENCY_MS = 300;
const [loadAtStart = 0] = os.loadavg();
const POLL_MS = 10;
const PAGE_POLL_MS = 500;

const fake = await startFakeUpstream({ latencyMs: UPSTREAM_LATENCY_MS });
const dataDir = await mkdtemp(path.join(os.tmpdir(), "atelier-bench-generate-"));
Object.assign(process.env, {
  NODE_ENV: "production",
  AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
  DATA_DIR: dataDir,
  RUN_WORKERS: "0",
  AIML_API_KEY: "test-key",
  AIML_API_BASE_URL: fake.url,
  AIML_IMAGE_HOSTS: fake.url,
  AIML_MAX_RETRIES: "0",
  // Each simulated user submits far faster than a person: measure the flow, not the per-user limit.
  RATE_LIMIT_GENERATIONS_PER_USER: "off",
});

const { createDb, setDb } = await import("../lib/db");
const { migrate } = await import("../lib/migrate");
const { startEmbeddedPostgres } = await import("../lib/embedded-postgres");
const { configureJobs, stopJobs } = await import("../lib/jobs");
const { submitGeneration } = await import("../lib/generations/submit");
const { startGenerationWorkers } = await import("../lib/generations/worker");
const { applyMovement, findLedgerMismatches } = await import("../lib/credits/ledger");

const realUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const embedded = realUrl
  ? null
  : await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), ephemeral: true });
const url = realUrl ?? embedded?.url ?? "";
process.env.DATABASE_URL = url;
const schema = realUrl ? `bench_gen_${randomBytes(4).toString("hex")}` : "public";
const jobsSchema = realUrl ? `${schema}_jobs` : "pgboss";
await migrate(url, realUrl ? { schema } : {});
const db = createDb(url, { ...(realUrl ? { schema } : {}), max: 30 });
setDb(db);
configureJobs({ connectionString: url, schema: jobsSchema, attemptSeconds: 60 });

type Sample = { totalMs: number; upstreamMs: number; pickupMs: number; afterUpstreamMs: number; submitMs: number };

async function makeUser(credits: number) {
  const user = await db.user.create({ data: { email: `bench-${randomBytes(5).toString("hex")}@example.com` } });
  await applyMovement(db, {
    userId: user.id,
    kind: "GRANT",
    amount: credits,
    idempotencyKey: `bench:${user.id}`,
    reason: "bench",
  });
  return user.id;
}

/** One generation as a user sees it: submit, then poll the page's status query until it is done. */
async function oneGeneration(userId: string): Promise<Sample> {
  const t0 = performance.now();
  const submitted = await submitGeneration({
    userId,
    input: { prompt: "a lighthouse at dusk", sizePreset: "square", numImages: 1 },
    idempotencyKey: randomBytes(12).toString("hex"),
  });
  const submitMs = performance.now() - t0;
  if (!submitted.ok) throw new Error(submitted.message);
  for (;;) {
    const [g] = await db.generation.findMany({
      where: { id: submitted.generation.id, userId },
      include: { images: true },
    });
    if (g && (g.status === "COMPLETED" || g.status === "FAILED")) {
      const totalMs = performance.now() - t0;
      if (g.status !== "COMPLETED") throw new Error(`generation failed: ${g.errorCode}`);
      const upstreamMs = g.upstreamMs ?? 0;
      const pickupMs = (g.startedAt?.getTime() ?? 0) - g.createdAt.getTime();
      const afterUpstreamMs = (g.completedAt?.getTime() ?? 0) - (g.startedAt?.getTime() ?? 0) - upstreamMs;
      return { totalMs, upstreamMs, pickupMs, afterUpstreamMs, submitMs };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function scenario(users: number, perUser: number): Promise<Sample[]> {
  const ids = await Promise.all(Array.from({ length: users }, () => makeUser(perUser * 4)));
  const samples: Sample[] = [];
  await Promise.all(
    ids.map(async (userId) => {
      for (let i = 0; i < perUser; i++) samples.push(await oneGeneration(userId));
    }),
  );
  return samples;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const r = (n: number) => Math.round(n);

type Row = { label: string; samples: Sample[] };
const rows: Row[] = [];
async function run(label: string, users: number, perUser: number, concurrency: number) {
  await startGenerationWorkers({ concurrency });
  await oneGeneration(await makeUser(4)); // warm-up: connections, libvips, JIT
  const samples = await scenario(users, perUser);
  rows.push({ label, samples });
  console.log(
    `${label}: overhead p50 ${r(
      pct(
        samples.map((s) => s.totalMs - s.upstreamMs),
        50,
      ),
    )} ms`,
  );
  await stopJobs({ timeoutMs: 5000 });
  configureJobs({ connectionString: url, schema: jobsSchema, attemptSeconds: 60 });
}

try {
  await run("1 user, 30 generations one after another, 16 workers", 1, 30, 16);
  if (realUrl) {
    await run("20 users at once, 5 each (100), 4 workers", 20, 5, 4);
    await run("20 users at once, 5 each (100), 16 workers (the default)", 20, 5, 16);
  }
  if ((await findLedgerMismatches(db)).length > 0) throw new Error("the ledger does not add up after the benchmark");
  const ingest = await benchIngest({ runs: 10 });

  const pgVersion = (await db.$queryRaw<{ v: string }[]>`SELECT split_part(version(), ' on ', 1) AS v`)[0]?.v ?? "?";
  const table = rows
    .map(({ label, samples }) => {
      const overhead = samples.map((s) => s.totalMs - s.upstreamMs);
      const cols = [
        pct(overhead, 50),
        pct(overhead, 95),
        pct(
          samples.map((s) => s.submitMs),
          50,
        ),
        pct(
          samples.map((s) => s.pickupMs),
          50,
        ),
        pct(
          samples.map((s) => s.pickupMs),
          95,
        ),
        pct(
          samples.map((s) => s.afterUpstreamMs),
          50,
        ),
        pct(
          samples.map((s) => s.upstreamMs),
          50,
        ),
      ].map(r);
      return `| ${label} | ${samples.length} | ${cols.join(" | ")} |`;
    })
    .join("\n");
  const section = `## Generation

<!-- Written by \`npm run bench:generate\` (scripts/bench-generate.ts); rerun it rather than editing by hand. -->

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} cores (load average ${loadAtStart.toFixed(1)} when it began), ${realUrl ? `${pgVersion} on 127.0.0.1` : "the embedded PostgreSQL (one user only: it garbles concurrent connections)"}.
The real flow: \`submitGeneration\` (validate, reserve, queue in one transaction) -> pg-boss -> worker -> AI/ML API
client -> local fake upstream (${UPSTREAM_LATENCY_MS} ms latency, one 1024x1024 PNG by link) -> download, ingest (type check,
sha256, WebP thumbnail, placeholder), disk storage -> settle. **Overhead** = time from calling submit until the
status query the page polls (same query as /api/generations/status, polled here every ${POLL_MS} ms) shows the
images, minus the upstream call's own time. Not included: the browser's HTTP round trips and the page's poll
interval (${PAGE_POLL_MS} ms, so on average +${PAGE_POLL_MS / 2} ms until the card updates, at most +${PAGE_POLL_MS} ms).

| scenario | generations | overhead p50 ms | overhead p95 ms | submit p50 ms | queue pickup p50 ms | pickup p95 ms | after upstream p50 ms | upstream p50 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${table}

Queue pickup is submit-commit to a worker claiming the job: a worker in the same process is woken at once; one in
another process (\`npm run worker\`) finds it at its next poll (up to 1 s). With 20 users and 4 workers per process the
pickup column is queueing: GENERATION_CONCURRENCY (default 16) should match the generations expected at once.
"After upstream" is download + ingest + storage + the settle transaction.

Ingest of one 4096x4096 PNG (${(ingest.imageBytes / 1024 / 1024).toFixed(1)} MB; scripts/bench-ingest.ts, ${ingest.runs} runs, ingest + storing original and thumbnail):
p50 ${ingest.p50Ms} ms, p95 ${ingest.p95Ms} ms, max ${ingest.maxMs} ms, peak RSS ${ingest.peakRssMb} MB.
`;
  const file = path.join(process.cwd(), "docs", "benchmarks.md");
  const current = await readFile(file, "utf8").catch(() => "# Benchmarks\n");
  const start = current.indexOf("## Generation");
  let next: string;
  if (start === -1) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const end = current.indexOf("\n## ", start + 1);
    next = `${current.slice(0, start)}${section}${end === -1 ? "" : current.slice(end)}`;
  }
  await writeFile(file, `${next.trimEnd()}\n`);
  console.log(section);
} finally {
  await stopJobs({ timeoutMs: 2000 });
  await db.$disconnect();
  await fake.close();
  if (realUrl) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${jobsSchema}" CASCADE`);
    await client.end();
  }
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
