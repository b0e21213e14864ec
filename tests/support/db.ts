import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { createDb, type Db, setDb } from "../../lib/db";
import { migrate } from "../../lib/migrate";

/** The run's PostgreSQL server (tests/support/global-setup.ts): TEST_DATABASE_URL or an embedded one. */
export function testDatabaseUrl(): string {
  return inject("databaseUrl");
}

export type TestDb = { db: Db; url: string; schema: string };

/**
 * A database of this test file's own: a fresh PostgreSQL schema with every migration applied,
 * installed as the process-wide client (lib/db `db()`), and dropped after the file's tests.
 */
export async function openTestDb(options: { max?: number } = {}): Promise<TestDb> {
  const url = testDatabaseUrl();
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await migrate(url, { schema });
  const database = createDb(url, { schema, max: options.max ?? 10 });
  setDb(database);
  afterAll(async () => {
    await database.$disconnect();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return { db: database, url, schema };
}

/** A signed-up user with a starting balance recorded in the ledger (so ledger sums hold). */
export async function createUser(database: Db, options: { email?: string; credits?: number } = {}) {
  const email = options.email ?? `user-${randomBytes(4).toString("hex")}@example.com`;
  const user = await database.user.create({ data: { email } });
  if (options.credits) {
    const { applyMovement } = await import("../../lib/credits/ledger");
    await applyMovement(database, {
      userId: user.id,
      kind: "GRANT",
      amount: options.credits,
      idempotencyKey: `test-grant:${user.id}`,
      reason: "Test grant",
    });
  }
  return database.user.findUniqueOrThrow({ where: { id: user.id } });
}
