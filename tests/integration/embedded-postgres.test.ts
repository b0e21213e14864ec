// The embedded PostgreSQL must give every connection its own answers, even though PGlite is one
// session underneath: this is what `npm start` runs the web server and the job workers on.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../lib/db";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";
import { completeBatchLength } from "../../lib/embedded-postgres/batching";
import { migrate } from "../../lib/migrate";

const embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
afterAll(() => embedded.stop());

function message(type: string, body = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

describe("the embedded PostgreSQL", () => {
  it("hands over a connection's messages only in whole batches", () => {
    const parse = message("P", Buffer.from("\0SELECT 1\0\0\0", "latin1"));
    const sync = message("S");
    expect(completeBatchLength(parse)).toBe(0);
    expect(completeBatchLength(Buffer.concat([parse, message("B"), message("E")]))).toBe(0);
    const batch = Buffer.concat([parse, message("B"), message("E"), sync]);
    expect(completeBatchLength(Buffer.concat([batch, parse]))).toBe(batch.length);
    expect(completeBatchLength(batch.subarray(0, batch.length - 2))).toBe(0);
  });

  it("answers concurrent parameterised queries and transactions on many connections correctly", async () => {
    await migrate(embedded.url);
    const db = createDb(embedded.url, { max: 10 });
    const pool = new pg.Pool({ connectionString: embedded.url, max: 4 });
    let wrong = 0;
    let failed = 0;
    let polling = true;
    const poller = (async () => {
      for (let i = 0; polling; i++) {
        await Promise.all(
          [1, 2, 3].map(async (k) => {
            try {
              const r = await pool.query<{ v: number; s: string }>("SELECT $1::int * 2 AS v, $2::text AS s", [
                i + k,
                `x${i + k}`,
              ]);
              if (r.rows[0]?.v !== (i + k) * 2 || r.rows[0]?.s !== `x${i + k}`) wrong++;
            } catch {
              failed++;
            }
          }),
        );
      }
    })();
    const user = await db.user.create({ data: { email: "race@example.com" } });
    let unexpected = 0;
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          try {
            await db.$transaction(async (tx) => {
              await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${user.id} FOR NO KEY UPDATE`;
              await tx.generation.create({
                data: {
                  userId: user.id,
                  idempotencyKey: `k${round}`,
                  model: "m",
                  source: "DEMO",
                  prompt: "p",
                  width: 1024,
                  height: 1024,
                  aspect: "1:1",
                  numImages: 1,
                  costCredits: 1,
                  deadlineAt: new Date(),
                },
              });
            });
          } catch (error) {
            if ((error as { code?: string }).code !== "P2002") unexpected++;
          }
        }),
      );
    }
    polling = false;
    await poller;
    expect({ wrong, failed, unexpected, generations: await db.generation.count() }).toEqual({
      wrong: 0,
      failed: 0,
      unexpected: 0,
      generations: 8,
    });
    await db.$disconnect();
    await pool.end();
  });
});
