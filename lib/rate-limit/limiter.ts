import { createHash } from "node:crypto";
import type { Db } from "@/lib/db";
import type { RateLimitSetting } from "@/lib/env";

// Fixed-window counters in PostgreSQL (table "RateLimit", see prisma/schema.prisma). One hit is ONE
// statement — insert the key, or count up within its window, or start a new window — so any number
// of concurrent hits on any number of servers see distinct counts and exactly `limit` pass per window.
// No `server-only`: tests and scripts drive it under tsx/vitest.

/** Anything that runs raw SQL: the client, or a transaction (then the hit commits or rolls back with it). */
export type SqlRunner = Pick<Db, "$queryRaw">;

export type RateLimitResult = {
  allowed: boolean;
  /** Hits allowed per window; null when this limit is switched off. */
  limit: number | null;
  remaining: number;
  /** When the current window ends. */
  reset: Date;
  /** Whole seconds until a refused caller may try again (0 when allowed). */
  retryAfterSeconds: number;
};

/** The stored key: the limit's name and a hash of the subject (an address, a user id), so no e-mail is kept. */
export function rateLimitKey(name: string, subject: string): string {
  return `${name}:${createHash("sha256").update(subject).digest("base64url").slice(0, 32)}`;
}

export async function hitRateLimit(
  database: SqlRunner,
  {
    name,
    subject,
    setting,
    hits = 1,
  }: {
    name: string;
    subject: string;
    setting: RateLimitSetting;
    /** Counted at once (an API edit's files each count as an upload); allowed only if all fit. */
    hits?: number;
  },
): Promise<RateLimitResult> {
  if (!setting) return { allowed: true, limit: null, remaining: 0, reset: new Date(), retryAfterSeconds: 0 };
  const key = rateLimitKey(name, subject);
  // Times in UTC without zone, as Prisma stores DateTime; the database's clock is the only clock used.
  const [row] = await database.$queryRaw<{ count: number; reset: Date; secondsLeft: number }[]>`
    INSERT INTO "RateLimit" ("key", "count", "resetAt")
    VALUES (${key}, ${hits}::int, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${setting.windowSeconds}::float8))
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."resetAt" <= (now() AT TIME ZONE 'UTC') THEN ${hits}::int ELSE "RateLimit"."count" + ${hits}::int END,
      "resetAt" = CASE WHEN "RateLimit"."resetAt" <= (now() AT TIME ZONE 'UTC') THEN EXCLUDED."resetAt" ELSE "RateLimit"."resetAt" END
    RETURNING "count", "resetAt" AS "reset",
      EXTRACT(EPOCH FROM ("resetAt" - (now() AT TIME ZONE 'UTC')))::float8 AS "secondsLeft"`;
  if (!row) throw new Error("rate limit: the counter statement returned no row");
  const allowed = row.count <= setting.limit;
  return {
    allowed,
    limit: setting.limit,
    remaining: Math.max(0, setting.limit - row.count),
    reset: row.reset,
    // Clamped to the window: statements of one burst read the clock at slightly different instants.
    retryAfterSeconds: allowed ? 0 : Math.min(setting.windowSeconds, Math.max(1, Math.ceil(row.secondsLeft))),
  };
}

/** Forgets windows that ended over an hour ago (the table holds one row per active subject). */
export async function pruneRateLimits(database: SqlRunner): Promise<void> {
  await database.$queryRaw`DELETE FROM "RateLimit" WHERE "resetAt" < (now() AT TIME ZONE 'UTC') - interval '1 hour'`;
}

/** "in 7 minutes", "in 45 seconds", "in 2 hours": for messages that say when to retry. */
export function retryIn(seconds: number): string {
  const plural = (n: number, unit: string) => `in ${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), "second");
  if (seconds < 2 * 3600) return plural(Math.ceil(seconds / 60), "minute");
  return plural(Math.ceil(seconds / 3600), "hour");
}
