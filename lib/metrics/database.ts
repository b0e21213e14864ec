import { Counter, Gauge, Registry } from "prom-client";
import type { Db } from "@/lib/db";
import { QUEUES } from "@/lib/jobs";
import { AggregatedHistogram } from "@/lib/metrics/aggregated-histogram";

// Metrics computed from the database at scrape time: the same from every web server or worker
// that answers, and right however many processes did the work. Each scrape runs a handful of
// aggregate queries over Generation, CreditMovement and StripeEvent (full scans: scrape every
// 30-60 s, not every second; docs/deploy.md).

/** Upstream model-call duration buckets, in seconds (Seedream takes 10-20 s a call). */
const MODEL_CALL_BUCKETS = [1, 2.5, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];
/** Studio overhead buckets, in seconds: everything but the model call (queue, storage, settle). */
const OVERHEAD_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

type BucketRow = { model: string; le: number; n: bigint };
type SumRow = { model: string; count: bigint; sum: number | null };

export async function databaseMetrics(database: Db, options: { jobsSchema: string }): Promise<Registry> {
  const registry = new Registry();
  await Promise.all([
    generations(database, registry),
    providerCalls(database, registry),
    durations(database, registry),
    credits(database, registry),
    stripeEvents(database, registry),
    queue(database, registry, options.jobsSchema),
  ]);
  return registry;
}

async function generations(database: Db, registry: Registry) {
  const rows = await database.$queryRaw<{ model: string; status: string; n: bigint }[]>`
    SELECT "model", "status"::text AS "status", count(*) AS "n" FROM "Generation" GROUP BY 1, 2`;
  const finished = new Counter({
    name: "atelier_generations_finished_total",
    help: "Generations that reached a final state, by status (completed, failed) and model.",
    labelNames: ["status", "model"],
    registers: [registry],
  });
  const open = new Gauge({
    name: "atelier_generations_in_progress",
    help: "Generations not yet settled, by status (queued, running) and model.",
    labelNames: ["status", "model"],
    registers: [registry],
  });
  for (const row of rows) {
    const labels = { status: row.status.toLowerCase(), model: row.model };
    if (row.status === "COMPLETED" || row.status === "FAILED") finished.inc(labels, Number(row.n));
    else open.set(labels, Number(row.n));
  }

  const failures = await database.$queryRaw<{ model: string; code: string; n: bigint }[]>`
    SELECT "model", coalesce("errorCode", 'unknown') AS "code", count(*) AS "n"
    FROM "Generation" WHERE "status" = 'FAILED' GROUP BY 1, 2`;
  const failed = new Counter({
    name: "atelier_generation_failures_total",
    help: "Failed generations by error code and model.",
    labelNames: ["code", "model"],
    registers: [registry],
  });
  for (const row of failures) failed.inc({ code: row.code, model: row.model }, Number(row.n));
}

async function providerCalls(database: Db, registry: Registry) {
  // Each call is paid for; a resumed attempt adds none, so this sum is what the provider bills.
  const rows = await database.$queryRaw<{ model: string; n: bigint }[]>`
    SELECT "model", sum("providerCalls") AS "n" FROM "Generation" GROUP BY 1`;
  const counter = new Counter({
    name: "atelier_provider_calls_total",
    help: "Calls made to the image provider (each one paid for; resuming from a saved answer makes none), by model.",
    labelNames: ["model"],
    registers: [registry],
  });
  for (const row of rows) counter.inc({ model: row.model }, Number(row.n));
}

async function durations(database: Db, registry: Registry) {
  // Model call: the upstream round trip recorded on the row. Overhead: submit to settle minus the
  // model call, i.e. what the studio itself adds (waiting in the queue, download, ingest, storage).
  const [callBuckets, callSums, overheadBuckets, overheadSums] = await Promise.all([
    database.$queryRaw<BucketRow[]>`
      SELECT g."model", b."le", count(*) FILTER (WHERE g."upstreamMs" <= b."le" * 1000) AS "n"
      FROM "Generation" g CROSS JOIN unnest(${MODEL_CALL_BUCKETS}::float8[]) AS b("le")
      WHERE g."upstreamMs" IS NOT NULL GROUP BY 1, 2`,
    database.$queryRaw<SumRow[]>`
      SELECT "model", count(*) AS "count", sum("upstreamMs")::float8 / 1000 AS "sum"
      FROM "Generation" WHERE "upstreamMs" IS NOT NULL GROUP BY 1`,
    database.$queryRaw<BucketRow[]>`
      SELECT g."model", b."le", count(*) FILTER (WHERE o."seconds" <= b."le") AS "n"
      FROM "Generation" g
      CROSS JOIN LATERAL (SELECT greatest(0, extract(epoch FROM g."completedAt" - g."createdAt")
        - coalesce(g."upstreamMs", 0) / 1000.0)::float8 AS "seconds") o
      CROSS JOIN unnest(${OVERHEAD_BUCKETS}::float8[]) AS b("le")
      WHERE g."status" = 'COMPLETED' AND g."completedAt" IS NOT NULL GROUP BY 1, 2`,
    database.$queryRaw<SumRow[]>`
      SELECT "model", count(*) AS "count",
        sum(greatest(0, extract(epoch FROM "completedAt" - "createdAt") - coalesce("upstreamMs", 0) / 1000.0))::float8 AS "sum"
      FROM "Generation" WHERE "status" = 'COMPLETED' AND "completedAt" IS NOT NULL GROUP BY 1`,
  ]);
  new AggregatedHistogram(
    {
      name: "atelier_model_call_duration_seconds",
      help: "Duration of the call to the image model (upstream round trip, retries included), by model.",
      buckets: MODEL_CALL_BUCKETS,
      registers: [registry],
    },
    aggregate(callBuckets, callSums),
  );
  new AggregatedHistogram(
    {
      name: "atelier_studio_overhead_seconds",
      help: "Time from submit to settle minus the model call, for completed generations, by model.",
      buckets: OVERHEAD_BUCKETS,
      registers: [registry],
    },
    aggregate(overheadBuckets, overheadSums),
  );
}

function aggregate(buckets: BucketRow[], sums: SumRow[]) {
  return sums.map((s) => ({
    labels: { model: s.model },
    count: Number(s.count),
    sum: s.sum ?? 0,
    buckets: new Map(buckets.filter((b) => b.model === s.model).map((b) => [Number(b.le), Number(b.n)])),
  }));
}

async function credits(database: Db, registry: Registry) {
  const [row] = await database.$queryRaw<
    { granted: bigint; purchased: bigint; refunded: bigint; clawedBack: bigint; spent: bigint }[]
  >`
    SELECT
      coalesce((SELECT sum("amount") FROM "CreditMovement"
        WHERE "kind" = 'GRANT' OR ("kind" = 'ADJUSTMENT' AND "amount" > 0)), 0) AS "granted",
      coalesce((SELECT sum("amount") FROM "CreditMovement" WHERE "kind" = 'PURCHASE'), 0) AS "purchased",
      coalesce((SELECT sum("amount") FROM "CreditMovement" WHERE "kind" = 'REFUND'), 0) AS "refunded",
      coalesce((SELECT -sum("amount") FROM "CreditMovement" WHERE "kind" = 'CLAWBACK'), 0) AS "clawedBack",
      coalesce((SELECT sum("chargedCredits") FROM "Generation" WHERE "status" IN ('COMPLETED', 'FAILED')), 0) AS "spent"`;
  const counter = new Counter({
    name: "atelier_credits_total",
    help: "Credits moved by the ledger since the start, by kind (granted, purchased, spent on settled generations, refunded, clawed_back).",
    labelNames: ["kind"],
    registers: [registry],
  });
  if (!row) return;
  counter.inc({ kind: "granted" }, Number(row.granted));
  counter.inc({ kind: "purchased" }, Number(row.purchased));
  counter.inc({ kind: "spent" }, Number(row.spent));
  counter.inc({ kind: "refunded" }, Number(row.refunded));
  counter.inc({ kind: "clawed_back" }, Number(row.clawedBack));
}

async function stripeEvents(database: Db, registry: Registry) {
  const rows = await database.$queryRaw<{ type: string; n: bigint }[]>`
    SELECT "type", count(*) AS "n" FROM "StripeEvent" GROUP BY 1`;
  const counter = new Counter({
    name: "atelier_stripe_events_processed_total",
    help: "Stripe events applied exactly once (the processed-event table), by type. Deliveries refused, ignored or failed are counted per process in atelier_stripe_webhook_deliveries_total.",
    labelNames: ["type"],
    registers: [registry],
  });
  for (const row of rows) counter.inc({ type: row.type }, Number(row.n));
}

async function queue(database: Db, registry: Registry, jobsSchema: string) {
  const depth = new Gauge({
    name: "atelier_job_queue_depth",
    help: "Jobs by queue and state: waiting (created or retry, due or not) and active.",
    labelNames: ["queue", "state"],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: "atelier_job_queue_oldest_waiting_seconds",
    help: "Age of the oldest job that is due and waiting to be picked up, by queue (0 when none).",
    labelNames: ["queue"],
    registers: [registry],
  });
  const schema = `"${jobsSchema.replaceAll('"', '""')}"`;
  // pg-boss's own table; its schema name comes from configuration, never from a request.
  const rows = await database.$queryRawUnsafe<{ name: string; state: string; n: bigint; oldest: number | null }[]>(
    `SELECT "name", CASE WHEN "state" IN ('created', 'retry') THEN 'waiting' ELSE "state"::text END AS "state",
       count(*) AS "n",
       max(extract(epoch FROM now() - "start_after")) FILTER (WHERE "start_after" <= now())::float8 AS "oldest"
     FROM ${schema}."job" WHERE "state" IN ('created', 'retry', 'active') AND "name" = ANY($1) GROUP BY 1, 2`,
    Object.values(QUEUES),
  );
  for (const name of Object.values(QUEUES)) {
    for (const state of ["waiting", "active"]) {
      const row = rows.find((r) => r.name === name && r.state === state);
      depth.set({ queue: name, state }, Number(row?.n ?? 0));
    }
    const waiting = rows.find((r) => r.name === name && r.state === "waiting");
    oldest.set({ queue: name }, Math.max(0, waiting?.oldest ?? 0));
  }
}
