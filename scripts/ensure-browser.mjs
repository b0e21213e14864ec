// Before the end-to-end tests: use Debian's Chromium where it exists (machines that cannot download
// browsers), otherwise make sure Playwright's own Chromium is installed.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("/usr/bin/chromium")) {
  execFileSync(process.execPath, ["node_modules/@playwright/test/cli.js", "install", "chromium"], { stdio: "inherit" });
}
