// Starts the studio: the embedded PostgreSQL when DATABASE_URL is unset, migrations, a production
// build when the sources changed, then `next start`. Ctrl+C stops everything it started.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { outboxExposure } from "../lib/dev-outbox";
import { startEmbeddedPostgres } from "../lib/embedded-postgres";
import { type Env, EnvError, parseEnv } from "../lib/env";
import { isLoopbackHost } from "../lib/http/client-address";
import { configureLogOutput, log } from "../lib/log";
import { migrate } from "../lib/migrate";

const dev = process.argv.includes("--dev");
if (existsSync(".env")) process.loadEnvFile(".env");
process.env.NEXT_TELEMETRY_DISABLED = "1";
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
const dataDir = path.resolve(process.env.DATA_DIR ?? ".data");
process.env.DATA_DIR = dataDir;

// Logs are JSON lines (lib/log.ts). `npm run dev` shows them readably: its own and the server's
// go through pino-pretty (a devDependency: never loaded by `npm start` or in production).
const pretty = dev ? (await import("pino-pretty")).default({ colorize: true, ignore: "pid,hostname" }) : undefined;
if (pretty) configureLogOutput(pretty);

function die(message: string): never {
  // A person reads this at their terminal: plain text on stderr (and the JSON line for log collectors).
  process.stderr.write(`${message}\n`);
  log.fatal(message);
  process.exit(1);
}

async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestSourceMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

async function needsBuild(): Promise<boolean> {
  const buildId = path.join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const roots = [
    "app",
    "components",
    "lib",
    "public",
    "proxy.ts",
    "next.config.ts",
    "package-lock.json",
    "instrumentation.ts",
  ];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const mtime = statSync(root).isDirectory() ? await newestSourceMtime(root) : statSync(root).mtimeMs;
    if (mtime > built) return true;
  }
  return false;
}

/**
 * Earlier versions kept the embedded database in `<DATA_DIR>/pglite` (PGlite, PostgreSQL 17 compiled
 * to WebAssembly), which this version cannot read. Rather than start an empty database beside it
 * (the studio would look wiped), the launcher stops and says what to do.
 */
function pgliteRefusal(dir: string): string | undefined {
  const old = path.join(dir, "pglite");
  if (!existsSync(old) || existsSync(path.join(dir, "postgres"))) return undefined;
  const kept = path.join(dir, "pglite-old");
  return [
    `Found the database of an earlier Atelier version in ${old}.`,
    "  That version ran PGlite; this one runs the real PostgreSQL server and cannot read PGlite's files.",
    "  To start with an empty database and keep the old files, run:",
    `      mv "${old}" "${kept}" && npm start`,
    '  To carry the old data over instead, follow "Coming from PGlite" in docs/foundation.md first.',
  ].join("\n");
}

async function main() {
  const embedded = !process.env.DATABASE_URL;
  if (embedded) process.env.ATELIER_EMBEDDED_DB = "1";

  // A secret for this machine only: a deployment must set AUTH_SECRET (the env check insists).
  if (!process.env.AUTH_SECRET && (dev || embedded)) {
    const file = path.join(dataDir, "auth-secret");
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(33).toString("base64"), { mode: 0o600 });
      log.info("generated a local AUTH_SECRET", { file });
    }
    process.env.AUTH_SECRET = readFileSync(file, "utf8").trim();
  }

  let config: Env;
  try {
    config = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) die(error.message);
    throw error;
  }
  const refusal = outboxExposure(config);
  if (refusal) die(refusal);

  let stopDatabase: (() => Promise<void>) | undefined;
  if (embedded) {
    const postgresDir = path.join(dataDir, "postgres");
    const refusal = pgliteRefusal(dataDir);
    if (refusal) die(refusal);
    log.info("no DATABASE_URL: starting the embedded PostgreSQL", { dataDir: postgresDir });
    const server = await startEmbeddedPostgres({ dataDir: postgresDir }).catch((error: Error) =>
      die(`The embedded PostgreSQL did not start: ${error.message}. Set DATABASE_URL to use another PostgreSQL.`),
    );
    process.env.DATABASE_URL = server.url;
    stopDatabase = server.stop;
    // For psql and one-off scripts while the studio runs (loopback only; the port changes per start).
    console.log(`• Embedded PostgreSQL: ${server.url}`);
  } else {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
    } catch (error) {
      die(
        `Cannot reach the database at DATABASE_URL (${(error as Error).message}). Check DATABASE_URL and that PostgreSQL is running.`,
      );
    } finally {
      await client.end().catch(() => {});
    }
  }

  const databaseUrl = process.env.DATABASE_URL ?? die("DATABASE_URL is missing");
  const applied = await migrate(databaseUrl).catch((error: Error) => die(`Migrations failed: ${error.message}`));
  log.info(applied.length ? "applied migrations" : "database schema is up to date", { applied });

  const nextBin = path.join("node_modules", "next", "dist", "bin", "next");
  const host = config.HOST;
  if (!dev && (await needsBuild())) {
    log.info("building the studio (production build)");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: process.env });
    if (build.status !== 0) {
      await stopDatabase?.();
      die("The build failed (see above).");
    }
  }

  let port = Number(process.env.PORT ?? 3000);
  while (!(await portIsFree(port, host))) port += 1;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join("scripts", "serve.ts"), ...(dev ? ["--dev"] : [])],
    {
      stdio: ["inherit", pretty ? "pipe" : "inherit", "inherit"],
      env: { ...process.env, HOST: host, PORT: String(port) },
    },
  );
  if (pretty) child.stdout?.pipe(pretty, { end: false });
  const shown = isLoopbackHost(host) ? "localhost" : host.includes(":") ? `[${host}]` : host;
  log.info(`Atelier is starting on http://${shown}:${port}`, { port });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await stopDatabase?.();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => die(error instanceof Error ? (error.stack ?? error.message) : String(error)));
