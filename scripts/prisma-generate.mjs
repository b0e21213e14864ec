// Generates the Prisma client without Prisma's downloadable engines. `prisma generate` does not
// use the schema engine, but the CLI looks for one first; pointing it at any file skips the
// download that would fail offline.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? self,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
