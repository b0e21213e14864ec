import pg from "pg";
import { afterAll, expect } from "vitest";
import { findLedgerMismatches } from "../../lib/credits/ledger";
import type { Db } from "../../lib/db";
import { configureJobs, stopJobs } from "../../lib/jobs";
import type { TestDb } from "./db";

/** pg-boss's schema for this test file: beside the file's own schema, dropped after it. */
export function jobsSchemaFor(testDb: TestDb): string {
  return `${testDb.schema}_jobs`;
}

/** Points this process's job queue at the test file's database; stops and drops it after the file. */
export function openTestJobs(testDb: TestDb, options: { attemptSeconds?: number } = {}): { schema: string } {
  const schema = jobsSchemaFor(testDb);
  configureJobs({ connectionString: testDb.url, schema, attemptSeconds: options.attemptSeconds ?? 30 });
  afterAll(async () => {
    await stopJobs({ timeoutMs: 1000 });
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return { schema };
}

/** Waits until the generation leaves QUEUED/RUNNING. */
export async function waitForSettled(database: Db, generationId: string, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const g = await database.generation.findUniqueOrThrow({ where: { id: generationId }, include: { images: true } });
    if (g.status === "COMPLETED" || g.status === "FAILED") return g;
    if (Date.now() - started > timeoutMs)
      throw new Error(`generation ${generationId} still ${g.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function balanceOf(database: Db, userId: string): Promise<number> {
  return (await database.user.findUniqueOrThrow({ where: { id: userId }, select: { creditBalance: true } }))
    .creditBalance;
}

/** The movements of one generation, as (kind, amount) pairs in order. */
export async function movementsOf(database: Db, generationId: string) {
  const rows = await database.creditMovement.findMany({
    where: { generationId },
    orderBy: { createdAt: "asc" },
    select: { kind: true, amount: true, idempotencyKey: true },
  });
  return rows.map((r) => [r.kind, r.amount] as const);
}

export async function expectLedgerBalanced(database: Db): Promise<void> {
  const mismatches = await findLedgerMismatches(database);
  if (mismatches.length > 0) throw new Error(`ledger mismatches: ${JSON.stringify(mismatches)}`);
}

/** The generation reserved 8 credits and settled them once; the user's balance; the ledger adds up. */
export async function expectChargedOnce(
  database: Db,
  { generationId, userId, balance }: { generationId: string; userId: string; balance: number },
): Promise<void> {
  expect(await movementsOf(database, generationId)).toEqual([
    ["RESERVE", -8],
    ["SETTLE", 0],
  ]);
  expect(await balanceOf(database, userId)).toBe(balance);
  await expectLedgerBalanced(database);
}

let counter = 0;
/** A fresh idempotency key, as the form makes one per press of "Generate". */
export function newKey(): string {
  counter += 1;
  return `k-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}
