import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll } from "vitest";
import { submitGeneration } from "../../lib/generations/submit";
import { openTestDb, type TestDb } from "./db";
import type { FakeUpstream } from "./fake-upstream";
import { jobsSchemaFor, newKey, openTestJobs } from "./generations";
import { openTestUpstream } from "./upstream-env";

// Generation workers in their own processes (tests/support/generation-worker.ts) on a test's
// database: for what only a second process shows (a SIGKILL mid-run, a SIGTERM while draining,
// NOTIFY between processes). Any still running when the file ends are killed.

/** A running worker and the JSON log lines it has printed so far. */
export type WorkerProcess = { child: ChildProcess; pid: number; lines: Record<string, unknown>[] };

export function workerProcesses(testDb: TestDb): {
  start: (options?: { env?: Record<string, string> }) => Promise<WorkerProcess>;
  stop: (worker: WorkerProcess) => Promise<void>;
  kill: (worker: WorkerProcess) => Promise<void>;
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

  /** Resolves once the worker says it is ready (it prints "ready"); `env` is added to this process's. */
  async function start(options: { env?: Record<string, string> } = {}): Promise<WorkerProcess> {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/generation-worker.ts", testDb.url, testDb.schema, jobsSchemaFor(testDb)],
      { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.add(child);
    const worker: WorkerProcess = { child, pid: child.pid ?? -1, lines: [] };
    let output = "";
    let buffer = "";
    child.stdout?.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
      child.stdout?.on("data", (chunk: string) => {
        output += chunk;
        buffer += chunk;
        for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          if (line === "ready") {
            clearTimeout(timer);
            resolve();
          } else if (line.startsWith("{")) worker.lines.push(JSON.parse(line) as Record<string, unknown>);
        }
      });
      child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready: ${output}`)));
    });
    return worker;
  }

  /** SIGTERM, and waits until it has exited. */
  async function stop({ child }: WorkerProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  }

  /** SIGKILL (no chance to clean up), and waits until it has exited. */
  async function kill({ child }: WorkerProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await once(child, "exit");
  }

  return { start, stop, kill };
}

/** The worker's log lines with this message (about this generation, when given). */
export function logged(worker: WorkerProcess, msg: string, generationId?: string): Record<string, unknown>[] {
  return worker.lines.filter((l) => l.msg === msg && (generationId === undefined || l.generationId === generationId));
}

/** A generation of the prompt (two square images, 8 credits) submitted for the user; its id. */
export async function submitPrompt(userId: string, prompt: string): Promise<string> {
  const submitted = await submitGeneration({
    userId,
    input: { prompt, sizePreset: "square", numImages: 2 },
    idempotencyKey: newKey(),
  });
  if (!submitted.ok) throw new Error(submitted.message);
  return submitted.generation.id;
}

/**
 * A test file's setup for worker processes: a fake upstream (closed after the file), this
 * process's environment pointed at it with the given attempt lease, a test database with its job
 * queue, and the workers on them.
 */
export async function openWorkerTest({
  attemptSeconds,
}: {
  attemptSeconds: number;
}): Promise<{ fake: FakeUpstream; testDb: TestDb } & ReturnType<typeof workerProcesses>> {
  const fake = await openTestUpstream({ env: { GENERATION_ATTEMPT_SECONDS: String(attemptSeconds) } });
  const testDb = await openTestDb();
  openTestJobs(testDb, { attemptSeconds });
  return { fake, testDb, ...workerProcesses(testDb) };
}
