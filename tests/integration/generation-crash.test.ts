import { describe, expect, it } from "vitest";
import { createUser } from "../support/db";
import { balanceOf, expectChargedOnce, waitForSettled } from "../support/generations";
import { until } from "../support/until";
import { openWorkerTest, submitPrompt } from "../support/worker-process";

// A worker process killed with SIGKILL: its job expires after GENERATION_ATTEMPT_SECONDS, another
// worker process runs it again, and the generation completes with credits moved exactly once.
// Killed during the upstream call, there is no answer yet: the next attempt calls again (once).
// Killed after the answer arrived, the next attempt resumes from the saved answer: no new call.

const ATTEMPT_SECONDS = 6;
const { fake, testDb, start: startWorker, stop, kill } = await openWorkerTest({ attemptSeconds: ATTEMPT_SECONDS });
const { db } = testDb;

/** A user with 100 credits, a first worker, and a generation of `prompt` it takes. */
async function submitToFirstWorker(prompt: string) {
  const user = await createUser(db, { credits: 100 });
  const first = await startWorker();
  fake.resetCalls();
  const id = await submitPrompt(user.id, prompt);
  return { user, first, id };
}

describe("a worker killed mid-way", () => {
  it("during the provider call: another worker completes it with exactly 1 more call, charged once", async () => {
    const { user, first, id } = await submitToFirstWorker("[[slow:2500]] a ship in a bottle");

    await until(() => fake.calls() >= 1, 20_000, "the first worker to call the upstream");
    await kill(first);
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
    await expectChargedOnce(db, { generationId: id, userId: user.id, balance: 92 });
    await stop(second);
  }, 180_000);

  it("between the provider's answer and storing: the next attempt makes 0 new calls, completed once", async () => {
    // The image links answer slowly, so the first worker is still downloading when it is killed.
    const { user, first, id } = await submitToFirstWorker("[[slow-files:2500]] a map of an island");

    await until(
      async () => (await db.generation.findUniqueOrThrow({ where: { id } })).providerAnswer !== null,
      20_000,
      "the first worker to save the provider's answer",
    );
    await kill(first);
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
    await expectChargedOnce(db, { generationId: id, userId: user.id, balance: 92 });
    await stop(second);
  }, 180_000);
});
