import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../../lib/migrate";
import { testDatabaseUrl } from "../support/db";

const url = testDatabaseUrl();
const schema = `m_${randomBytes(5).toString("hex")}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe("migrations", () => {
  it("apply once, record what Prisma Migrate records, and are a no-op the second time", async () => {
    const all = await readMigrations();
    expect(await migrate(url, { schema })).toEqual(all.map((m) => m.name));
    expect(await migrate(url, { schema })).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    expect(rows.rows.map((r) => [r.migration_name, r.checksum, r.finished_at !== null, r.applied_steps_count])).toEqual(
      all.map((m) => [m.name, m.checksum, true, 1]),
    );
    // Prisma's checksum is the hex SHA-256 of migration.sql.
    expect(all.every((m) => /^[0-9a-f]{64}$/.test(m.checksum))).toBe(true);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `UPDATE "${schema}"."_prisma_migrations" SET checksum = 'edited' WHERE migration_name = (SELECT min(migration_name) FROM "${schema}"."_prisma_migrations")`,
    );
    await client.end();
    await expect(migrate(url, { schema })).rejects.toThrow(/was changed after it was applied/);
  });

  it("are applied once when several processes start at the same time", async () => {
    const fresh = `m_${randomBytes(5).toString("hex")}`;
    const results = await Promise.all([
      migrate(url, { schema: fresh }),
      migrate(url, { schema: fresh }),
      migrate(url, { schema: fresh }),
    ]);
    expect(results.flat()).toEqual((await readMigrations()).map((m) => m.name));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA "${fresh}" CASCADE`);
    await client.end();
  });
});
