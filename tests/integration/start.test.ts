import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";

function launch(env: Record<string, string>, dataDir = mkdtempSync(path.join(os.tmpdir(), "atelier-start-"))) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("starting the studio", () => {
  it("stops with a message naming DATABASE_URL when the database is unreachable", () => {
    const result = launch({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/atelier", AUTH_SECRET: "s".repeat(40) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Cannot reach the database at DATABASE_URL/);
  });

  it("stops with a message naming each malformed variable", () => {
    const result = launch({ DATABASE_URL: "mysql://localhost/atelier", EMAIL_SERVER: "mail.example.com" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL must be a postgresql:\/\/ connection string/);
    expect(result.stderr).toMatch(/EMAIL_SERVER must be an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it("refuses a non-loopback HOST while sign-in mail goes to the outbox, and says how to fix it", () => {
    // No DATABASE_URL and no EMAIL_SERVER: the quick start, where links land in /dev/outbox.
    const result = launch({ HOST: "0.0.0.0" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/HOST=0\.0\.0\.0 would share this studio with your network/);
    expect(result.stderr).toMatch(/Set EMAIL_SERVER to send real mail, or leave HOST unset/);
    // It stopped before starting anything: no embedded database was started.
    expect(result.stdout).not.toMatch(/starting the embedded PostgreSQL/);
  });

  it("keeps the embedded database's data between runs", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "atelier-kept-")), "postgres");
    const first = await startEmbeddedPostgres({ dataDir });
    const a = new pg.Client({ connectionString: first.url });
    await a.connect();
    await a.query("CREATE TABLE kept (note text)");
    await a.query("INSERT INTO kept VALUES ('still here')");
    await a.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    const b = new pg.Client({ connectionString: second.url });
    await b.connect();
    const rows = await b.query<{ note: string }>("SELECT note FROM kept");
    await b.end();
    await second.stop();
    expect(rows.rows).toEqual([{ note: "still here" }]);
  });

  it("stops beside an earlier version's PGlite database and says exactly what to do", () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "atelier-start-"));
    mkdirSync(path.join(dataDir, "pglite"));
    writeFileSync(path.join(dataDir, "pglite", "PG_VERSION"), "17\n");
    const result = launch({ AUTH_SECRET: "s".repeat(40) }, dataDir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `Found the database of an earlier Atelier version in ${path.join(dataDir, "pglite")}`,
    );
    expect(result.stderr).toContain(
      `mv "${path.join(dataDir, "pglite")}" "${path.join(dataDir, "pglite-old")}" && npm start`,
    );
    expect(result.stderr).toContain('"Coming from PGlite" in docs/foundation.md');
    // Nothing was started or created beside it.
    expect(existsSync(path.join(dataDir, "postgres"))).toBe(false);
  });
});
