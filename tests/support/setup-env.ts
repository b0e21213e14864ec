import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// A complete, valid configuration for tests; a test that needs another one builds it with parseEnv.
Object.assign(process.env, {
  NODE_ENV: "test",
  AUTH_SECRET: "test-secret-test-secret-test-secret-000",
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "atelier-test-")),
  RUN_WORKERS: "0",
});
