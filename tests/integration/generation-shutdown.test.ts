import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { createUser } from "../support/db";
import { expectChargedOnce, waitForSettled } from "../support/generations";
import { until } from "../support/until";
import { logged, openWorkerTest, submitPrompt } from "../support/worker-process";

// A rolling restart: worker process A is stopped with SIGTERM while it waits on the model, worker
// B keeps running. A stops taking jobs at once; within SHUTDOWN_GRACE_SECONDS it finishes what it
// holds, and past it hands the generation back so B completes it. Either way: once, charged once.
// The lease (GENERATION_ATTEMPT_SECONDS) is far longer than the test may wait, so only a real
// hand-back lets B take the generation over in time.

const ATTEMPT_SECONDS = 300;
const { fake, testDb, start, stop } = await openWorkerTest({ attemptSeconds: ATTEMPT_SECONDS });
const { db } = testDb;
const startWorker = (graceSeconds: number) => start({ env: { SHUTDOWN_GRACE_SECONDS: String(graceSeconds) } });

/**
 * Starts two workers, submits, and sends SIGTERM to the one that took the generation (A) once it
 * is waiting on the model; the other is B.
 */
async function stopMidCall(graceSeconds: number, prompt: string) {
  const user = await createUser(db, { credits: 100 });
  // One after the other: two pg-boss instances installing the same fresh schema at once collide.
  const workers = [await startWorker(graceSeconds), await startWorker(graceSeconds)];
  fake.resetCalls();
  const id = await submitPrompt(user.id, prompt);
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
    const second = await submitPrompt(user.id, "a second picture");

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
    await expectChargedOnce(db, { generationId: id, userId: user.id, balance: 84 });
    await stop(b);
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
    await expectChargedOnce(db, { generationId: id, userId: user.id, balance: 92 });
    await stop(b);
  });
});
