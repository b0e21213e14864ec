declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server at TEST_DATABASE_URL (CI sets it), or "" for an embedded one per test file. */
    realDatabaseUrl: string;
  }
}

import type { TestProject } from "vitest/node";

export default function setup(project: TestProject) {
  project.provide("realDatabaseUrl", process.env.TEST_DATABASE_URL ?? "");
}
