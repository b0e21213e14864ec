import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { createDb, type Db, setDb } from "../../lib/db";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";
import { migrate } from "../../lib/migrate";

let fileDatabase: Promise<{ url: string; realPostgres: boolean }> | undefined;

/**
 * This test file's PostgreSQL server: TEST_DATABASE_URL when set (CI), else an embedded one of
 * the file's own — the embedded server's connections share one session, so files cannot share it.
 */
export function testDatabaseUrl(): Promise<{ url: string; realPostgres: boolean }> {
  fileDatabase ??= (async () => {
    const real = inject("realDatabaseUrl");
    if (real) return { url: real, realPostgres: true };
    const embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
    afterAll(() => embedded.stop());
    return { url: embedded.url, realPostgres: false };
  })();
  return fileDatabase;
}

export type TestDb = { db: Db; url: string; schema: string; realPostgres: boolean };

/**
 * A database of this test file's own: a fresh PostgreSQL schema with every migration applied,
 * installed as the process-wide client (lib/db `db()`), and dropped after the file's tests.
 */
export async function openTestDb(options: { max?: number } = {}): Promise<TestDb> {
  const { url, realPostgres } = await testDatabaseUrl();
  // The embedded server is this file's alone and ignores per-connection settings such as
  // search_path, so there the file uses the default schema; on a shared server, a schema of its own.
  const schema = realPostgres ? `t_${randomBytes(6).toString("hex")}` : "public";
  await migrate(url, realPostgres ? { schema } : {});
  const database = createDb(url, { ...(realPostgres ? { schema } : {}), max: options.max ?? 10 });
  setDb(database);
  afterAll(async () => {
    await database.$disconnect();
    if (!realPostgres) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return { db: database, url, schema, realPostgres };
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
