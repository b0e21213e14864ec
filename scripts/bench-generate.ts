// The studio's own overhead per generation, up to the moment a page would show it: from submit
// (the server action's work) until an SSE client of the event stream receives the finished
// generation, minus the time the upstream took. Runs the real flow — submitGeneration, pg-boss,
// the worker, the AI/ML API client against the local fake upstream, download, ingest, storage,
// settle, NOTIFY, the process's LISTEN connection, the stream (lib/generations/events.ts) served
// over HTTP and read by a client — as a page does it: after the submit returns, open a stream for
// that generation and wait for its finished event. Three scenarios, each repeated, each row with
// the machine's load, peak RSS of this process (it is the studio: action, workers, stream server)
// and the database connections it held. Writes the "Generation" section of docs/benchmarks.md.
//
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:generate
//   npm run bench:generate -- --sequential 5 --users 4 --per-user 2 --in-flight 10 --repeat 2   (smoke)
//
// Flags (defaults are the full sizes): --sequential N (1 user, one after another; 30),
// --users N and --per-user N (N users each submitting N at once; 20 and 5), --in-flight N
// (submitted at once against a 5 s upstream; 200), --slow-ms N (that upstream; 5000), --repeat N
// (runs of each scenario; 2), --no-write (a full-size run that only prints). The studio runs with
// its own defaults (GENERATION_CONCURRENCY generations in flight, the database pool of lib/db.ts)
// unless --workers N, --in-flight-workers N or --pool N say otherwise.
//
// The fake upstream runs in a process of its own and serves one pre-rendered PNG per size: the
// provider's rendering is not the studio's work and must not take the cores the studio is
// measured on. Without BENCH_DATABASE_URL/TEST_DATABASE_URL it uses a throw-away embedded
// PostgreSQL. Only a run at the full sizes (no size or studio flag changed) writes docs/benchmarks.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { readSse } from "../tests/support/sse";
import { benchIngest } from "./bench-ingest";

const FULL_SIZE = {
  sequential: "30",
  users: "20",
  "per-user": "5",
  "in-flight": "200",
  "slow-ms": "5000",
  repeat: "2",
} as const;
const { values: flags } = parseArgs({
  options: {
    sequential: { type: "string", default: FULL_SIZE.sequential },
    users: { type: "string", default: FULL_SIZE.users },
    "per-user": { type: "string", default: FULL_SIZE["per-user"] },
    workers: { type: "string" },
    "in-flight": { type: "string", default: FULL_SIZE["in-flight"] },
    "in-flight-workers": { type: "string" },
    pool: { type: "string" },
    "slow-ms": { type: "string", default: FULL_SIZE["slow-ms"] },
    repeat: { type: "string", default: FULL_SIZE.repeat },
    "no-write": { type: "boolean", default: false },
  },
});
// Only a run at the full sizes is a result worth recording; a smoke run prints its table only.
const fullSize =
  flags.workers === undefined &&
  flags["in-flight-workers"] === undefined &&
  flags.pool === undefined &&
  (Object.keys(FULL_SIZE) as (keyof typeof FULL_SIZE)[]).every((name) => flags[name] === FULL_SIZE[name]);
const int = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
};
const SEQUENTIAL = int("sequential", flags.sequential);
const USERS = int("users", flags.users);
const PER_USER = int("per-user", flags["per-user"]);
const IN_FLIGHT = int("in-flight", flags["in-flight"]);
const SLOW_MS = int("slow-ms", flags["slow-ms"]);
const REPEAT = Math.max(1, int("repeat", flags.repeat));

const UPSTREAM_LATENCY_MS = 300;

const fake = await startFakeUpstreamProcess(UPSTREAM_LATENCY_MS);
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
  // --per-user may exceed the default cap of generations queued or running per user.
  GENERATIONS_ACTIVE_PER_USER: "0",
});

const { createDb, DEFAULT_POOL_SIZE, setDb } = await import("../lib/db");
const { migrate } = await import("../lib/migrate");
const { startEmbeddedPostgres } = await import("../lib/embedded-postgres");
const { configureJobs, stopJobs } = await import("../lib/jobs");
const { submitGeneration } = await import("../lib/generations/submit");
const { startGenerationWorkers } = await import("../lib/generations/worker");
const { generationEventStream } = await import("../lib/generations/events");
const { configureGenerationListener, stopGenerationListener } = await import("../lib/generations/listener");
const { applyMovement, findLedgerMismatches } = await import("../lib/credits/ledger");
const { env } = await import("../lib/env");

const realUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const embedded = realUrl
  ? null
  : await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), ephemeral: true });
const url = realUrl ?? embedded?.url ?? "";
process.env.DATABASE_URL = url;
// The studio's own settings (read once DATABASE_URL is set) unless a flag overrides them.
const WORKERS = flags.workers === undefined ? env().GENERATION_CONCURRENCY : int("workers", flags.workers);
const IN_FLIGHT_WORKERS =
  flags["in-flight-workers"] === undefined ? WORKERS : int("in-flight-workers", flags["in-flight-workers"]);
const POOL = flags.pool === undefined ? undefined : int("pool", flags.pool);
const schema = realUrl ? `bench_gen_${randomBytes(4).toString("hex")}` : "public";
const jobsSchema = realUrl ? `${schema}_jobs` : "pgboss";
await migrate(url, realUrl ? { schema } : {});
const db = createDb(url, { ...(realUrl ? { schema } : {}), ...(POOL ? { max: POOL } : {}) });
setDb(db);
configureJobs({ connectionString: url, schema: jobsSchema, attemptSeconds: 60 });
configureGenerationListener({ connectionString: url });

// The event stream over HTTP, as the route serves it minus the session lookup (the user is named
// in the query): the client below reads real SSE bytes from a socket.
const streamServer = http.createServer(async (req, res) => {
  const query = new URL(req.url ?? "/", "http://bench").searchParams;
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const stream = await generationEventStream({
    userId: query.get("user") ?? "",
    ids: (query.get("ids") ?? "").split(",").filter(Boolean),
    signal: abort.signal,
  });
  if (!stream) {
    res.writeHead(503).end();
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
  res.flushHeaders();
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) res.write(chunk.value);
  res.end();
});
await new Promise<void>((resolve) => streamServer.listen(0, "127.0.0.1", resolve));
const streamUrl = `http://127.0.0.1:${(streamServer.address() as AddressInfo).port}`;

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

/** One generation as a page sees it: submit, then open the event stream and wait for the finished event. */
async function oneGeneration(userId: string, prompt = "a lighthouse at dusk"): Promise<Sample> {
  const t0 = performance.now();
  const submitted = await submitGeneration({
    userId,
    input: { prompt, sizePreset: "square", numImages: 1 },
    idempotencyKey: randomBytes(12).toString("hex"),
  });
  const submitMs = performance.now() - t0;
  if (!submitted.ok) throw new Error(submitted.message);
  const id = submitted.generation.id;
  const response = await fetch(`${streamUrl}/?user=${userId}&ids=${id}`);
  if (!response.ok) throw new Error(`the event stream answered ${response.status}`);
  const events = readSse(response);
  const finished = await events.next(
    (e) =>
      e.event === "generations" &&
      (JSON.parse(e.data) as { generations: { id: string; status: string }[] }).generations.some(
        (g) => g.id === id && (g.status === "COMPLETED" || g.status === "FAILED"),
      ),
    600_000,
  );
  const totalMs = performance.now() - t0;
  await events.close();
  if (!finished.data.includes('"COMPLETED"')) throw new Error(`generation ${id} failed`);
  const g = await db.generation.findUniqueOrThrow({ where: { id } });
  const upstreamMs = g.upstreamMs ?? 0;
  const pickupMs = (g.startedAt?.getTime() ?? 0) - g.createdAt.getTime();
  const afterUpstreamMs = (g.completedAt?.getTime() ?? 0) - (g.startedAt?.getTime() ?? 0) - upstreamMs;
  return { totalMs, upstreamMs, pickupMs, afterUpstreamMs, submitMs };
}

/** The fake upstream in a child process (`--same-image`: one PNG per size, rendered once). */
async function startFakeUpstreamProcess(
  latencyMs: number,
): Promise<{ url: string; pid: number | undefined; close(): Promise<void> }> {
  const script = path.join(import.meta.dirname, "..", "tests", "support", "fake-upstream.ts");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, "--port", "0", "--latency", String(latencyMs), "--same-image"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  // Never outlive the benchmark, even when it fails before its clean-up.
  process.once("exit", () => child.kill("SIGTERM"));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /listening on (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the fake upstream exited (${code}) before listening`)));
  });
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * This process's TCP connections to the database server (Linux: its socket inodes in /proc/net/tcp).
 * Read asynchronously once a second: a synchronous read of /proc/net/tcp every 100 ms held this
 * process's event loop for ~20 ms each time, a fifth of the time the studio is measured on. Idle
 * pool connections stay open 10 s, so a peak is still seen.
 */
async function databaseConnections(): Promise<number> {
  const port = Number(new URL(url).port || 5432)
    .toString(16)
    .toUpperCase()
    .padStart(4, "0");
  const inodes = new Set<string>();
  for (const fd of await readdir("/proc/self/fd")) {
    try {
      const match = (await readlink(`/proc/self/fd/${fd}`)).match(/^socket:\[(\d+)\]$/);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // Closed while listing.
    }
  }
  let count = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = await readFile(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const remotePort = cols[2]?.split(":")[1];
      if (remotePort === port && cols[3] === "01" && cols[9] && inodes.has(cols[9])) count += 1;
    }
  }
  return count;
}

/**
 * CPU time (user + system, ms) of a process and all its descendants, from /proc: PostgreSQL's
 * processes are the children of the server the embedded process starts, the fake upstream is one
 * process. A backend that has exited (a pool closing an idle connection) is counted in its
 * parent's cutime/cstime once reaped, so each living process adds its own and its reaped
 * children's. Linux counts in clock ticks of 10 ms (CLK_TCK 100 on every Linux this runs on).
 */
async function processTreeCpuMs(root: number | undefined): Promise<number> {
  if (root === undefined) return 0;
  const procs: { pid: number; ppid: number; ticks: number }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")".
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      procs.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        ticks: (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0),
      });
    } catch {
      // Exited while listing.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const proc of procs)
      if (!tree.has(proc.pid) && tree.has(proc.ppid)) {
        tree.add(proc.pid);
        grew = true;
      }
  }
  return procs.reduce((sum, proc) => sum + (tree.has(proc.pid) ? proc.ticks * 10 : 0), 0);
}

/** Issue 9's targets: overhead p95, and peak RSS where it says so. */
type Target = { label: string; p95Ms: number; rssMb?: number };
const TARGETS: Record<"one" | "many" | "inFlight", Target> = {
  one: { label: "1 user", p95Ms: 100 },
  many: { label: "20 users × 5", p95Ms: 250 },
  inFlight: { label: "200 in flight", p95Ms: 300, rssMb: 1024 },
};

type Row = {
  scenario: string;
  target: Target;
  run: number;
  samples: Sample[];
  submitted: number;
  peakRssMb: number;
  peakConnections: number;
  /** This process's CPU time (all threads) per finished generation: robust to the machine's load, unlike latency. */
  cpuMsPerGeneration: number;
  /** The embedded PostgreSQL's processes, per finished generation (null on an external server). */
  dbCpuMsPerGeneration: number | null;
  /** The fake upstream's process, per finished generation. */
  upstreamCpuMsPerGeneration: number;
  load: [number, number];
};
const rows: Row[] = [];

async function measure(
  scenario: string,
  target: Target,
  run: number,
  workers: number,
  body: () => Promise<{ samples: Sample[]; submitted: number }>,
) {
  await startGenerationWorkers({ concurrency: workers });
  await oneGeneration(await makeUser(4)); // warm-up: connections, libvips, JIT
  let peakRss = process.memoryUsage.rss();
  let peakConnections = await databaseConnections();
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const countConnections = () =>
    void databaseConnections().then((n) => {
      peakConnections = Math.max(peakConnections, n);
    });
  const connectionSampler = setInterval(countConnections, 1000);
  const loadBefore = os.loadavg()[0] ?? 0;
  const cpuBefore = process.cpuUsage();
  const dbCpuBefore = await processTreeCpuMs(embedded?.pid);
  const upstreamCpuBefore = await processTreeCpuMs(fake.pid);
  try {
    const { samples, submitted } = await body();
    const cpu = process.cpuUsage(cpuBefore);
    const perGeneration = (ms: number) => ms / Math.max(1, samples.length);
    const dbCpu = embedded ? perGeneration((await processTreeCpuMs(embedded.pid)) - dbCpuBefore) : null;
    const upstreamCpu = perGeneration((await processTreeCpuMs(fake.pid)) - upstreamCpuBefore);
    countConnections();
    rows.push({
      scenario,
      target,
      run,
      samples,
      submitted,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      peakConnections,
      cpuMsPerGeneration: perGeneration((cpu.user + cpu.system) / 1000),
      dbCpuMsPerGeneration: dbCpu,
      upstreamCpuMsPerGeneration: upstreamCpu,
      load: [loadBefore, os.loadavg()[0] ?? 0],
    });
    const overhead = samples.map((s) => s.totalMs - s.upstreamMs);
    console.log(
      `${scenario} (run ${run}): ${samples.length}/${submitted} finished, overhead p50 ${r(pct(overhead, 50))} ms, p95 ${r(pct(overhead, 95))} ms, peak RSS ${Math.round(peakRss / 1024 / 1024)} MB, ${peakConnections} DB connections, CPU per generation: studio ${r(perGeneration((cpu.user + cpu.system) / 1000))} ms, PostgreSQL ${dbCpu === null ? "?" : r(dbCpu)} ms, fake upstream ${r(upstreamCpu)} ms`,
    );
  } finally {
    clearInterval(rssSampler);
    clearInterval(connectionSampler);
    await stopJobs({ timeoutMs: 5000 });
    configureJobs({ connectionString: url, schema: jobsSchema, attemptSeconds: 60 });
  }
}

async function atOnce(count: number, userIds: string[], prompt?: string) {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => oneGeneration(userIds[i % userIds.length] ?? "", prompt)),
  );
  const samples = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  for (const s of settled) if (s.status === "rejected") console.error("a generation did not finish:", s.reason);
  return { samples, submitted: count };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const r = (n: number) => Math.round(n);

const SCENARIOS = {
  one: `1 user, ${SEQUENTIAL} one after another, ${WORKERS} workers`,
  many: `${USERS} users × ${PER_USER} at once (${USERS * PER_USER}), ${WORKERS} workers`,
  inFlight: `${IN_FLIGHT} at once, upstream ${SLOW_MS / 1000} s, ${IN_FLIGHT_WORKERS} workers`,
};

try {
  for (let run = 1; run <= REPEAT; run++) {
    if (SEQUENTIAL > 0) {
      await measure(SCENARIOS.one, TARGETS.one, run, WORKERS, async () => {
        const userId = await makeUser(SEQUENTIAL * 4);
        const samples: Sample[] = [];
        for (let i = 0; i < SEQUENTIAL; i++) samples.push(await oneGeneration(userId));
        return { samples, submitted: SEQUENTIAL };
      });
    }
    if (USERS > 0 && PER_USER > 0) {
      await measure(SCENARIOS.many, TARGETS.many, run, WORKERS, async () => {
        const userIds = await Promise.all(Array.from({ length: USERS }, () => makeUser(PER_USER * 4)));
        return atOnce(USERS * PER_USER, userIds);
      });
    }
    if (IN_FLIGHT > 0) {
      await measure(SCENARIOS.inFlight, TARGETS.inFlight, run, IN_FLIGHT_WORKERS, async () => {
        const userIds = await Promise.all(Array.from({ length: Math.ceil(IN_FLIGHT / 5) }, () => makeUser(20)));
        return atOnce(IN_FLIGHT, userIds, `[[slow:${SLOW_MS}]] a lighthouse at dusk`);
      });
    }
  }
  if ((await findLedgerMismatches(db)).length > 0) throw new Error("the ledger does not add up after the benchmark");
  const ingest = await benchIngest({ runs: 10 });

  const pgVersion = (await db.$queryRaw<{ v: string }[]>`SELECT split_part(version(), ' on ', 1) AS v`)[0]?.v ?? "?";
  const table = rows
    .map((row) => {
      const { samples } = row;
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
      return `| ${row.scenario} | ${row.run} | ${row.load[0].toFixed(1)} → ${row.load[1].toFixed(1)} | ${samples.length}/${row.submitted} | ${cols.join(" | ")} | ${r(row.cpuMsPerGeneration)} + ${row.dbCpuMsPerGeneration === null ? "?" : r(row.dbCpuMsPerGeneration)} + ${r(row.upstreamCpuMsPerGeneration)} | ${row.peakRssMb} | ${row.peakConnections} |`;
    })
    .join("\n");
  // Said per run, with the load it ran under: a target is met by a run, not by a wish.
  const verdicts = Object.values(TARGETS)
    .map((target) => {
      const runs = rows.filter((row) => row.target === target);
      if (runs.length === 0) return null;
      const met = runs.filter((row) => {
        const p95 = pct(
          row.samples.map((s) => s.totalMs - s.upstreamMs),
          95,
        );
        return (
          row.samples.length === row.submitted && p95 <= target.p95Ms && (!target.rssMb || row.peakRssMb < target.rssMb)
        );
      });
      const loads = runs.map((row) => row.load[0]).concat(runs.map((row) => row.load[1]));
      const what = `p95 ≤ ${target.p95Ms} ms${target.rssMb ? ` and RSS under ${target.rssMb / 1024} GB` : ""}`;
      return `- ${target.label} (${what}): ${met.length === runs.length ? "**met**" : met.length === 0 ? "**not met**" : "**met in part**"} in ${met.length} of ${runs.length} runs (load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}).`;
    })
    .filter((line) => line !== null)
    .join("\n");
  const cores = os.cpus().length;
  // A burst saturates the cores. Its submits arrive together and its answers arrive together, so
  // the upstream's wait hides little of the work: the last cards finish about when the cores have
  // done the whole burst's CPU (N x CPU per generation / cores). Printed beside the measured p95.
  const budget = rows
    .filter((row) => row.target !== TARGETS.one && row.dbCpuMsPerGeneration !== null)
    .map((row) => {
      const total = row.cpuMsPerGeneration + (row.dbCpuMsPerGeneration ?? 0) + row.upstreamCpuMsPerGeneration;
      const p95 = pct(
        row.samples.map((s) => s.totalMs - s.upstreamMs),
        95,
      );
      const needed = (row.target.p95Ms * cores) / row.submitted;
      return `| ${row.scenario} | ${row.run} | ${r(total)} | ${r((total * row.submitted) / cores)} | ${r(p95)} | ${needed.toFixed(1)} |`;
    })
    .join("\n");
  const section = `## Generation

<!-- Written by \`npm run bench:generate\` (scripts/bench-generate.ts); rerun it rather than editing by hand. -->

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} cores, ${realUrl ? `${pgVersion} on 127.0.0.1` : "the embedded PostgreSQL"}.
Flags: \`--sequential ${SEQUENTIAL} --users ${USERS} --per-user ${PER_USER} --workers ${WORKERS} --in-flight ${IN_FLIGHT} --in-flight-workers ${IN_FLIGHT_WORKERS} --pool ${POOL ?? DEFAULT_POOL_SIZE} --slow-ms ${SLOW_MS} --repeat ${REPEAT}\`.
The real flow: \`submitGeneration\` (validate, reserve, queue in one transaction) -> pg-boss -> worker -> AI/ML API
client -> local fake upstream in a process of its own (${UPSTREAM_LATENCY_MS} ms latency, or \`--slow-ms\` more in the in-flight
case; one 1024x1024 PNG by link, rendered once) -> download, ingest, disk storage -> settle with NOTIFY -> this process's LISTEN connection -> the event
stream (lib/generations/events.ts) over HTTP -> an SSE client. As a page does it, the client opens the stream for
its generation once the submit has returned. **Overhead** = time from calling submit until the client has the
finished event, minus the upstream call's own time. Not included: the session lookup and Next's routing of
the stream request, and the browser.

| scenario | run | load avg (1 min) before → after | finished | overhead p50 ms | overhead p95 ms | submit p50 ms | queue pickup p95 ms | after upstream p50 ms | upstream p50 ms | CPU ms per generation: studio + PostgreSQL + fake upstream | peak RSS MB | DB connections |
| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${table}

Targets (issue 9, for a run at the default sizes on a quiet 2-core machine), run by run as measured here:
${verdicts}

CPU per generation is CPU time during the scenario divided by the generations finished, for this process (the
studio: every thread, the SSE clients included), the embedded PostgreSQL's processes and the fake upstream's
process: unlike latency, it hardly depends on what else the machine runs. Peak RSS and connections are this process's
(submit, workers, stream server, LISTEN connection): RSS sampled every 100 ms, connections (its TCP sockets to the
database server) every second. Queue pickup is submit-commit to a worker claiming the job. "After upstream" is download +
ingest + storage + the settle transaction.${
    budget
      ? `

What bounds a burst: its submits arrive together and its answers arrive together, so the upstream's wait hides
little of the work, and the last cards finish about when the ${cores} cores have done the whole burst's CPU. The
time that takes (generations × CPU per generation in all ÷ cores) against the measured p95, and the CPU per
generation in all that the target would allow by the same measure:

| scenario | run | CPU ms per generation in all | burst CPU ÷ cores, ms | overhead p95 ms | target allows, ms per generation |
| --- | ---: | ---: | ---: | ---: | ---: |
${budget}
`
      : ""
  }

Ingest of one 4096x4096 PNG (${(ingest.imageBytes / 1024 / 1024).toFixed(1)} MB; scripts/bench-ingest.ts, ${ingest.runs} runs, ingest + storing original and thumbnail):
p50 ${ingest.p50Ms} ms, p95 ${ingest.p95Ms} ms, max ${ingest.maxMs} ms, peak RSS ${ingest.peakRssMb} MB.
`;
  if (fullSize && !flags["no-write"]) {
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
  }
  console.log(section);
} finally {
  await stopJobs({ timeoutMs: 2000 });
  await stopGenerationListener();
  await new Promise<void>((resolve) => streamServer.close(() => resolve()));
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
