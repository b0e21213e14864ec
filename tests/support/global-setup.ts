import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    realPostgres: boolean;
  }
}

// Integration tests use the PostgreSQL server at TEST_DATABASE_URL (CI sets it); without one,
// an embedded PostgreSQL in memory, so `npm test` works on a machine with nothing installed.
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    project.provide("databaseUrl", url);
    project.provide("realPostgres", true);
    return;
  }
  const embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
  project.provide("databaseUrl", embedded.url);
  project.provide("realPostgres", false);
  return () => embedded.stop();
}
