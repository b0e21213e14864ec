import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { CONTROL_URL, DEMO_URL, FULL_URL } from "./tests/e2e/support/constants";

// Debian's Chromium where it exists (these machines cannot download Playwright's own browser);
// elsewhere Playwright's default browser.
const systemChromium = "/usr/bin/chromium";
const launchOptions = existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    }
  : {};

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: { ...devices["Desktop Chrome"], launchOptions, trace: "retain-on-failure" },
  projects: [
    { name: "demo", testMatch: "demo/**/*.spec.ts", use: { baseURL: DEMO_URL } },
    { name: "full", testMatch: "*.spec.ts", testIgnore: "demo/**", use: { baseURL: FULL_URL } },
  ],
  webServer: {
    command: "node --import tsx tests/e2e/support/stack.ts",
    url: `${CONTROL_URL}/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
