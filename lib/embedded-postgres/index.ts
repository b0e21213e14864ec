import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

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

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) behind the ordinary wire protocol on
 * loopback, keeping its data in `dataDir` ("memory://" keeps nothing). It runs one statement
 * at a time: fine for one person's studio, meaningless for concurrency tests.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const memory = options.dataDir.startsWith("memory://");
  const dataDir = memory ? options.dataDir : path.resolve(options.dataDir);
  if (!memory) mkdirSync(path.dirname(dataDir), { recursive: true });
  const port = options.port ?? (await freePort());
  const server = fileURLToPath(new URL("./server.ts", import.meta.url));
  // Its own process group, so a Ctrl+C in the terminal does not stop the database before the studio
  // using it has shut down; the open stdin pipe stops it if this process dies without stopping it.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", server, `--db=${dataDir}`, `--port=${port}`, "--host=127.0.0.1"],
    { stdio: ["pipe", "ignore", "inherit"], detached: true },
  );
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  try {
    await waitForConnection(url, child, 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  return { url, stop };
}
