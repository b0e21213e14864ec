// A stand-in for `npm start` in tests of the embedded PostgreSQL's lifetime: starts it, prints its
// URL, and on SIGINT (a Ctrl+C) first reports whether the database still answers, then stops it.
//   node --import tsx tests/support/embedded-holder.ts <dataDir>
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: embedded-holder.ts <dataDir>");
  process.exit(2);
}
const server = await startEmbeddedPostgres({ dataDir });
process.on("SIGINT", async () => {
  const client = new pg.Client({ connectionString: server.url });
  const answer = await client
    .connect()
    .then(() => client.query<{ one: number }>("SELECT 1 AS one"))
    .then((r) => `answered ${r.rows[0]?.one}`)
    .catch((error: Error) => `failed: ${error.message}`);
  await client.end().catch(() => {});
  console.log(`after Ctrl+C: ${answer}`);
  await server.stop();
  process.exit(0);
});
console.log(`url ${server.url}`);
