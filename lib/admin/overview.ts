import "server-only";
import { db } from "@/lib/db";
import { jobsConfig } from "@/lib/jobs";

// The admin overview: per-UTC-day series over the last 30 or 90 days (today included, empty days
// filled in), each computed by one grouped query over the tables the studio already keeps.

export const OVERVIEW_RANGES = [30, 90] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

const DAY_MS = 86_400_000;

export function windowStart(days: number, now = new Date()): Date {
  const today = new Date(now);
  today.setUTCHours(0, 0, 0, 0);
  return new Date(today.getTime() - (days - 1) * DAY_MS);
}

function dayList(since: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10));
}

/** One row per day; `values` keyed by series name (missing series count as 0). */
export type DailyRow = { day: string; values: Record<string, number> };

function fill(days: string[], rows: { day: string; key: string; value: number }[]): DailyRow[] {
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const values = byDay.get(r.day) ?? {};
    values[r.key] = (values[r.key] ?? 0) + r.value;
    byDay.set(r.day, values);
  }
  return days.map((day) => ({ day, values: byDay.get(day) ?? {} }));
}

export async function signupsByDay(days: number): Promise<DailyRow[]> {
  const since = windowStart(days);
  const rows = await db().$queryRaw<{ day: string; n: bigint }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", COUNT(*) AS "n"
    FROM "User" WHERE "createdAt" >= ${since} GROUP BY 1`;
  return fill(
    dayList(since, days),
    rows.map((r) => ({ day: r.day, key: "signups", value: Number(r.n) })),
  );
}

export type GenerationCounts = { byStatus: DailyRow[]; byModel: DailyRow[]; models: string[] };

/** Generations submitted per day, split by their status now and by model. */
export async function generationsByDay(days: number): Promise<GenerationCounts> {
  const since = windowStart(days);
  const rows = await db().$queryRaw<{ day: string; status: string; model: string; n: bigint }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", "status"::text AS "status", "model",
           COUNT(*) AS "n"
    FROM "Generation" WHERE "createdAt" >= ${since} GROUP BY 1, 2, 3`;
  const list = dayList(since, days);
  return {
    byStatus: fill(
      list,
      rows.map((r) => ({ day: r.day, key: r.status, value: Number(r.n) })),
    ),
    byModel: fill(
      list,
      rows.map((r) => ({ day: r.day, key: r.model, value: Number(r.n) })),
    ),
    models: [...new Set(rows.map((r) => r.model))].sort(),
  };
}

export type FailureRate = { code: string; failures: number; rate: number };

/**
 * Failed generations in the window by error code, each as a share of all generations that finished
 * (completed or failed) in it. A generation without a code (should not happen) counts as "unknown".
 */
export async function failureRates(days: number): Promise<{ finished: number; codes: FailureRate[] }> {
  const since = windowStart(days);
  const [totals, codes] = await Promise.all([
    db().$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS "n" FROM "Generation"
      WHERE "createdAt" >= ${since} AND "status" IN ('COMPLETED', 'FAILED')`,
    db().$queryRaw<{ code: string; n: bigint }[]>`
      SELECT COALESCE("errorCode", 'unknown') AS "code", COUNT(*) AS "n" FROM "Generation"
      WHERE "createdAt" >= ${since} AND "status" = 'FAILED'
      GROUP BY 1 ORDER BY 2 DESC, 1`,
  ]);
  const finished = Number(totals[0]?.n ?? 0);
  return {
    finished,
    codes: codes.map((c) => ({
      code: c.code,
      failures: Number(c.n),
      rate: finished ? Number(c.n) / finished : 0,
    })),
  };
}

/** The model call's duration (Generation.upstreamMs) per day: median and 95th percentile, in ms. */
export async function latencyByDay(days: number): Promise<DailyRow[]> {
  const since = windowStart(days);
  const rows = await db().$queryRaw<{ day: string; p50: number; p95: number; n: bigint }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamMs") AS "p50",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamMs") AS "p95",
           COUNT(*) AS "n"
    FROM "Generation" WHERE "createdAt" >= ${since} AND "upstreamMs" IS NOT NULL GROUP BY 1`;
  return fill(
    dayList(since, days),
    rows.flatMap((r) => [
      { day: r.day, key: "p50", value: Math.round(Number(r.p50)) },
      { day: r.day, key: "p95", value: Math.round(Number(r.p95)) },
      { day: r.day, key: "calls", value: Number(r.n) },
    ]),
  );
}

/**
 * Credits moved per day, from the ledger:
 * granted = operator and welcome grants plus adjustments (net); sold = packs bought;
 * spent = reserved by generations minus what came back for images that did not arrive (net);
 * refunded = what came back; clawed back = taken for refunds and lost disputes.
 */
export async function creditsByDay(days: number): Promise<DailyRow[]> {
  const since = windowStart(days);
  const rows = await db().$queryRaw<
    { day: string; granted: bigint; sold: bigint; spent: bigint; refunded: bigint; clawedBack: bigint }[]
  >`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day",
      COALESCE(SUM("amount") FILTER (WHERE "kind" IN ('GRANT', 'ADJUSTMENT')), 0) AS "granted",
      COALESCE(SUM("amount") FILTER (WHERE "kind" = 'PURCHASE'), 0) AS "sold",
      COALESCE(-SUM("amount") FILTER (WHERE "kind" IN ('RESERVE', 'SETTLE', 'REFUND')), 0) AS "spent",
      COALESCE(SUM("amount") FILTER (WHERE "kind" IN ('SETTLE', 'REFUND') AND "amount" > 0), 0) AS "refunded",
      COALESCE(-SUM("amount") FILTER (WHERE "kind" = 'CLAWBACK'), 0) AS "clawedBack"
    FROM "CreditMovement" WHERE "createdAt" >= ${since} GROUP BY 1`;
  return fill(
    dayList(since, days),
    rows.flatMap((r) =>
      (["granted", "sold", "spent", "refunded", "clawedBack"] as const).map((key) => ({
        day: r.day,
        key,
        value: Number(r[key]),
      })),
    ),
  );
}

/**
 * Money per day of payment, in cents: gross = packs paid that day; refunds = what was refunded of
 * them since; disputes = those now disputed or lost to a dispute. Stripe's refund and dispute
 * events carry no date we keep, so both are reported against the day the money came in.
 */
export async function revenueByDay(days: number): Promise<DailyRow[]> {
  const since = windowStart(days);
  const rows = await db().$queryRaw<{ day: string; gross: bigint; refunds: bigint; disputes: bigint }[]>`
    SELECT to_char(date_trunc('day', p."paidAt"), 'YYYY-MM-DD') AS "day",
      SUM(p."amountCents") AS "gross",
      SUM(p."refundedCents") AS "refunds",
      COALESCE(SUM(p."amountCents") FILTER (WHERE p."disputed" OR EXISTS (
        SELECT 1 FROM "CreditMovement" m
        WHERE m."purchaseId" = p."id" AND m."idempotencyKey" LIKE 'dispute-lost:%')), 0) AS "disputes"
    FROM "Purchase" p WHERE p."paidAt" >= ${since} GROUP BY 1`;
  return fill(
    dayList(since, days),
    rows.flatMap((r) =>
      (["gross", "refunds", "disputes"] as const).map((key) => ({ day: r.day, key, value: Number(r[key]) })),
    ),
  );
}

export type QueueState = { name: string; waiting: number; active: number; oldestWaitingSeconds: number | null };

/**
 * pg-boss's queues right now: jobs waiting (created or retry) and running, and how long the oldest
 * waiting job has waited. null when the queue's tables do not exist yet (no process started it).
 */
export async function queueDepth(): Promise<QueueState[] | null> {
  const schema = jobsConfig().schema;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`unexpected job schema name: ${schema}`);
  const [exists] = await db().$queryRaw<{ found: boolean }[]>`
    SELECT to_regclass(${`"${schema}".job`}) IS NOT NULL AS "found"`;
  if (!exists?.found) return null;
  const rows = await db().$queryRawUnsafe<
    { name: string; waiting: bigint; active: bigint; oldest: number | null }[]
  >(`SELECT "name",
        COUNT(*) FILTER (WHERE "state" IN ('created', 'retry')) AS "waiting",
        COUNT(*) FILTER (WHERE "state" = 'active') AS "active",
        EXTRACT(EPOCH FROM now() - MIN("created_on") FILTER (WHERE "state" IN ('created', 'retry')))::float8 AS "oldest"
      FROM "${schema}".job
      WHERE "state" IN ('created', 'retry', 'active')
      GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => ({
    name: r.name,
    waiting: Number(r.waiting),
    active: Number(r.active),
    oldestWaitingSeconds: r.oldest === null ? null : Math.max(0, Math.round(r.oldest)),
  }));
}
