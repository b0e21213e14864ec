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

// A worker process killed with SIGKILL: its job expires after GENERATION_ATTEMPT_SECONDS, another
// worker process runs it again, and the generation completes with credits moved exactly once.
// Killed during the upstream call, there is no answer yet: the next attempt calls again (once).
// Killed after the answer arrived, the next attempt resumes from the saved answer: no new call.

const ATTEMPT_SECONDS = 6;
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

const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
});

async function startWorker(): Promise<ChildProcess> {
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

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a worker killed mid-way", () => {
  it("during the provider call: another worker completes it with exactly 1 more call, charged once", async () => {
    const user = await createUser(db, { credits: 100 });
    const first = await startWorker();
    fake.resetCalls();
    const submitted = await submitGeneration({
      userId: user.id,
      input: { prompt: "[[slow:2500]] a ship in a bottle", sizePreset: "square", numImages: 2 },
      idempotencyKey: newKey(),
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;

    await until(() => fake.calls() >= 1, 20_000, "the first worker to call the upstream");
    first.kill("SIGKILL");
    await once(first, "exit");
    expect(await db.generation.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RUNNING", attempts: 1 });
    expect(await balanceOf(db, user.id)).toBe(92);

    const second = await startWorker();
    const g = await waitForSettled(db, id, 60_000);
    expect(g).toMatchObject({
      status: "COMPLETED",
      attempts: 2,
      providerCalls: 2,
      chargedCredits: 8,
      refundedCredits: 0,
    });
    expect(g.images).toHaveLength(2);
    expect(fake.calls()).toBe(2);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(92);
    await expectLedgerBalanced(db);

    second.kill("SIGTERM");
    await once(second, "exit");
  }, 180_000);

  it("between the provider's answer and storing: the next attempt makes 0 new calls, completed once", async () => {
    const user = await createUser(db, { credits: 100 });
    const first = await startWorker();
    fake.resetCalls();
    // The image links answer slowly, so the first worker is still downloading when it is killed.
    const submitted = await submitGeneration({
      userId: user.id,
      input: { prompt: "[[slow-files:2500]] a map of an island", sizePreset: "square", numImages: 2 },
      idempotencyKey: newKey(),
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.generation.id;

    await until(
      async () => (await db.generation.findUniqueOrThrow({ where: { id } })).providerAnswer !== null,
      20_000,
      "the first worker to save the provider's answer",
    );
    first.kill("SIGKILL");
    await once(first, "exit");
    const stopped = await db.generation.findUniqueOrThrow({ where: { id }, include: { images: true } });
    expect(stopped).toMatchObject({ status: "RUNNING", attempts: 1, providerCalls: 1 });
    expect(stopped.images).toHaveLength(0);
    expect(fake.calls()).toBe(1);

    const second = await startWorker();
    const g = await waitForSettled(db, id, 60_000);
    expect(g).toMatchObject({
      status: "COMPLETED",
      attempts: 2,
      providerCalls: 1,
      chargedCredits: 8,
      refundedCredits: 0,
      providerRequestId: stopped.providerRequestId,
    });
    expect(g.images).toHaveLength(2);
    expect(fake.calls()).toBe(1);
    expect(await movementsOf(db, id)).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    expect(await balanceOf(db, user.id)).toBe(92);
    await expectLedgerBalanced(db);

    second.kill("SIGTERM");
    await once(second, "exit");
  }, 180_000);
});
