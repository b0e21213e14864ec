declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server every test file uses, each in a schema of its own. */
    databaseUrl: string;
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";

/** TEST_DATABASE_URL when set (CI), else one embedded PostgreSQL server for the whole run. */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("databaseUrl", given);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "atelier-test-pg-"));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), ephemeral: true });
  project.provide("databaseUrl", server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
