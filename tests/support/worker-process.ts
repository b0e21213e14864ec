import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll } from "vitest";
import type { TestDb } from "./db";
import { jobsSchemaFor } from "./generations";

// Generation workers in their own processes (tests/support/generation-worker.ts) on a test's
// database: for what only a second process shows (a SIGKILL mid-run, NOTIFY between processes).
// Any still running when the file ends are killed.

export function workerProcesses(testDb: TestDb): {
  start: () => Promise<ChildProcess>;
  stop: (child: ChildProcess) => Promise<void>;
} {
  const children = new Set<ChildProcess>();
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    }
  });

  /** Resolves once the worker says it is ready (it prints "ready"). */
  async function start(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/generation-worker.ts", testDb.url, testDb.schema, jobsSchemaFor(testDb)],
      { env: process.env, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.add(child);
    let output = "";
    child.stdout?.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
      child.stdout?.on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${output}`)));
    });
    return child;
  }

  /** SIGTERM, and waits until it has exited. */
  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  }

  return { start, stop };
}
