import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: "@", replacement: path.resolve(import.meta.dirname) },
      // `server-only` throws outside React's server build; in tests every module is server code.
      { find: "server-only", replacement: path.resolve(import.meta.dirname, "tests/support/empty.ts") },
    ],
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-env.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // next-auth imports `next/server` without an extension, which Node's ESM loader rejects; run
    // through Vite's resolver instead (tests drive the real Auth.js route handler).
    server: { deps: { inline: ["next-auth"] } },
  },
});
