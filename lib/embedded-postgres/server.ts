// The embedded PostgreSQL process (spawned by ./index.ts): PGlite, PostgreSQL compiled to
// WebAssembly, served over the ordinary wire protocol on loopback by pglite-socket.
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { installBatching } from "./batching";

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "memory://" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  if (!values.port) throw new Error("--port is required");
  installBatching();
  const db = await PGlite.create(values.db);
  const server = new PGLiteSocketServer({ db, port: Number(values.port), host: values.host, maxConnections: 64 });
  await server.start();
  const shutdown = async () => {
    await server.stop().catch(() => {});
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
  // The parent holds our stdin open: when it goes away, so do we.
  process.stdin.on("close", () => void shutdown());
  process.stdin.resume();
}

main().catch((error: unknown) => {
  console.error("embedded PostgreSQL failed:", error);
  process.exit(1);
});
