import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { submitGeneration } from "../../lib/generations/submit";
import { createUser, openTestDb } from "../support/db";
import { startFakeUpstream } from "../support/fake-upstream";
import {
  balanceOf,
  expectLedgerBalanced,
  jobsSchemaFor,
  movementsOf,
  newKey,
  openTestJobs,
  waitForSettled,
} from "../support/generations";

// A rolling restart: worker process A is stopped with SIGTERM while it waits on the model, worker
// B keeps running. A stops taking jobs at once; within SHUTDOWN_GRACE_SECONDS it finishes what it
// holds, and past it hands the generation back so B completes it. Either way: once, charged once.
// The lease (GENERATION_ATTEMPT_SECONDS) is far longer than the test may wait, so only a real
// hand-back lets B take the generation over in time.

const ATTEMPT_SECONDS = 300;
const fake = await startFakeUpstream({ scale: 0.0625 });
afterAll(() => fake.close());
Object.assign(process.env, {
  AIML_API_KEY: "test-key",
  AIML_API_BASE_URL: fake.url,
  AIML_IMAGE_HOSTS: fake.url,
  GENERATION_ATTEMPT_SECONDS: String(ATTEMPT_SECONDS),
});

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: ATTEMPT_SECONDS });

type Worker = { child: ChildProcess; pid: number; lines: Record<string, unknown>[] };
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
});

async function startWorker(graceSeconds: number): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/support/generation-worker.ts", testDb.url, testDb.schema, jobsSchemaFor(testDb)],
    { env: { ...process.env, SHUTDOWN_GRACE_SECONDS: String(graceSeconds) }, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.add(child);
  const worker: Worker = { child, pid: child.pid ?? -1, lines: [] };
  let buffer = "";
  child.stdout?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${buffer}`)), 60_000);
    child.stdout?.on("data", (chunk: string) => {
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
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
  return worker;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function logged(worker: Worker, msg: string, generationId?: string) {
  return worker.lines.filter((l) => l.msg === msg && (generationId === undefined || l.generationId === generationId));
}

async function submit(userId: string, prompt: string) {
  const submitted = await submitGeneration({
    userId,
    input: { prompt, sizePreset: "square", numImages: 2 },
    idempotencyKey: newKey(),
  });
  if (!submitted.ok) throw new Error(submitted.message);
  return submitted.generation.id;
}

/**
 * Starts two workers, submits, and sends SIGTERM to the one that took the generation (A) once it
 * is waiting on the model; the other is B.
 */
async function stopMidCall(graceSeconds: number, prompt: string) {
  const user = await createUser(db, { credits: 100 });
  // One after the other: two pg-boss instances installing the same fresh schema at once collide.
  const workers = [await startWorker(graceSeconds), await startWorker(graceSeconds)];
  fake.resetCalls();
  const id = await submit(user.id, prompt);
  await until(() => fake.calls() >= 1, 20_000, "a worker to call the model");
  const a = workers.find((w) => logged(w, "generation: run started", id).length > 0);
  const b = workers.find((w) => w !== a);
  if (!a || !b) throw new Error("no worker logged the start of the run");
  const exited = once(a.child, "exit");
  a.child.kill("SIGTERM");
  await until(() => logged(a, "shutdown: stop signal received, draining").length > 0, 10_000, "A to start draining");
  return { user, a, b, id, exited };
}

describe("SIGTERM to a worker in the middle of a generation", () => {
  it("lets it finish within the grace period and takes no new job meanwhile", { timeout: 120_000 }, async () => {
    const { user, a, b, id, exited } = await stopMidCall(30, "[[slow:4000]] a lighthouse at dusk");
    // Submitted while A drains: only B may take it.
    const second = await submit(user.id, "a second picture");

    const [code] = await exited;
    expect(code).toBe(0);
    const g = await waitForSettled(db, id, 30_000);
    expect(g).toMatchObject({ status: "COMPLETED", attempts: 1, chargedCredits: 8, refundedCredits: 0 });
    expect(g.images).toHaveLength(2);
    expect(logged(a, "generation: run finished", id)).toHaveLength(1);
    expect(logged(b, "generation: run finished", id)).toHaveLength(0);

    await waitForSettled(db, second, 30_000);
    expect(logged(a, "generation: run finished", second)).toHaveLength(0);
    expect(logged(b, "generation: run finished", second)).toHaveLength(1);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(84);
    await expectLedgerBalanced(db);
    b.child.kill("SIGTERM");
    await once(b.child, "exit");
  });

  it("past the grace period hands it back, and the other worker completes it once, charged once", {
    timeout: 120_000,
  }, async () => {
    const { user, a, b, id, exited } = await stopMidCall(1, "[[slow:8000]] a harbour in fog");

    const [code] = await exited;
    expect(code).toBe(0);
    expect(logged(a, "generation: handed back to the queue (shutdown)", id)).toHaveLength(1);
    expect(logged(a, "generation: run finished", id)).toHaveLength(0);

    const g = await waitForSettled(db, id, 40_000);
    expect(g).toMatchObject({ status: "COMPLETED", attempts: 2, chargedCredits: 8, refundedCredits: 0 });
    expect(g.images).toHaveLength(2);
    expect(logged(b, "generation: run finished", id)).toHaveLength(1);
    expect(fake.calls()).toBe(2);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(92);
    await expectLedgerBalanced(db);
    b.child.kill("SIGTERM");
    await once(b.child, "exit");
  });
});
