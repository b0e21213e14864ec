// The embedded PostgreSQL that `npm start` runs when DATABASE_URL is unset: a real server (many
// connections, extensions), in a process group of its own so a Ctrl+C reaches the studio first, and
// gone when the process that started it dies.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts tests/support/embedded-holder.ts (a stand-in for `npm start`); resolves with its database URL. */
async function startHolder(options: { detached: boolean }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "atelier-embedded-"));
  dirs.push(dir);
  const dataDir = path.join(dir, "postgres");
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/embedded-holder.ts", dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: options.detached,
  });
  children.push(child);
  let output = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const match = /^url (\S+)$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`holder exited (${code}): ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, url, dataDir, exited, output: () => output };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe("the embedded PostgreSQL", () => {
  it("serves many connections at once, loads btree_gin, and outlives a Ctrl+C until the launcher stops it", async () => {
    const holder = await startHolder({ detached: true });
    const pool = new pg.Pool({ connectionString: holder.url, max: 8 });
    const version = await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    expect(Number(version.rows[0]?.v)).toBeGreaterThanOrEqual(180000);
    await pool.query("CREATE EXTENSION btree_gin");
    // Parameterised queries on eight connections at once each get their own answer.
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        pool.query<{ v: number; s: string }>("SELECT $1::int * 2 AS v, $2::text AS s", [i, `x${i}`]),
      ),
    );
    expect(results.map((r) => r.rows[0])).toEqual(Array.from({ length: 200 }, (_, i) => ({ v: i * 2, s: `x${i}` })));
    // Two transactions on different connections block each other on one row: a real server's locks.
    await pool.query("CREATE TABLE counter (n int)");
    await pool.query("INSERT INTO counter VALUES (0)");
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const { rows } = await client.query<{ n: number }>("SELECT n FROM counter FOR UPDATE");
          await client.query("UPDATE counter SET n = $1", [(rows[0]?.n ?? 0) + 1]);
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }),
    );
    expect((await pool.query<{ n: number }>("SELECT n FROM counter")).rows[0]?.n).toBe(20);
    await pool.end();

    // Ctrl+C in a terminal signals the launcher's whole process group.
    process.kill(-(holder.child.pid ?? 0), "SIGINT");
    await holder.exited;
    expect(holder.output()).toMatch(/after Ctrl\+C: answered 1/);
    expect(await answers(holder.url)).toBe(false);
    // A clean shutdown removes the server's lock file.
    expect(existsSync(path.join(holder.dataDir, "postmaster.pid"))).toBe(false);
  });

  it("shuts down cleanly when the process that started it is killed", async () => {
    const holder = await startHolder({ detached: false });
    expect(await answers(holder.url)).toBe(true);
    holder.child.kill("SIGKILL");
    await holder.exited;
    const lockFile = path.join(holder.dataDir, "postmaster.pid");
    for (let i = 0; i < 300 && existsSync(lockFile); i++) await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(lockFile)).toBe(false);
    expect(await answers(holder.url)).toBe(false);
  });
});
