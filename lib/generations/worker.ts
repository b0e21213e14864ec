import { availableParallelism } from "node:os";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db";
import { startDispatcher } from "@/lib/generations/dispatcher";
import { LeaseHeldError, runGeneration } from "@/lib/generations/run";
import { sweepExpiredGenerations } from "@/lib/generations/sweep";
import { makeGenerationDerivatives } from "@/lib/images/derivatives-job";
import { enqueueGenerationAt, jobs, jobsConfig, QUEUES, trackConsumer } from "@/lib/jobs";
import { objectStore } from "@/lib/storage";

// Registers this process as a generation worker: up to `concurrency` generation jobs at once from
// one polling loop (lib/generations/dispatcher.ts), the sweeper on a one-minute schedule shared by every
// process, one sweep at start so a restarted studio refunds what expired while it was down, and
// the derivatives job (thumbnails and placeholders of settled generations).

const jobData = z.object({ generationId: z.string().min(1) });

export async function startGenerationWorkers(options: { concurrency: number }): Promise<void> {
  const boss = await jobs();
  const { attemptSeconds } = jobsConfig();
  trackConsumer(
    startDispatcher(boss, {
      queue: QUEUES.generate,
      capacity: options.concurrency,
      pollIntervalMs: 1000,
      handle: (job) => handle(job, attemptSeconds),
    }),
  );
  // Thumbnails are CPU work: as many pollers as CPU slots, which bound them anyway.
  for (let i = 0; i < availableParallelism(); i++) {
    await boss.work<unknown>(QUEUES.derivatives, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      const data = jobData.safeParse(job?.data);
      if (!data.success) return console.error(`[derivatives] job ${job?.id} has no generation id`, job?.data);
      await makeGenerationDerivatives(db(), data.data.generationId, objectStore());
    });
  }
  await boss.work(QUEUES.sweep, { pollingIntervalSeconds: 5 }, async () => {
    await sweepExpiredGenerations(db());
  });
  await boss.schedule(QUEUES.sweep, "* * * * *");
  await sweepExpiredGenerations(db()).catch((error: unknown) => console.error("[generation] start-up sweep", error));
}

async function handle(job: PgBoss.JobWithMetadata<unknown>, attemptSeconds: number): Promise<void> {
  const data = jobData.safeParse(job.data);
  if (!data.success) {
    // Retrying cannot fix a malformed job; completing it is right, and the sweeper refunds.
    console.error(`[generation] job ${job.id} has no generation id`, job.data);
    return;
  }
  try {
    await runGeneration(db(), data.data.generationId, {
      attemptSeconds,
      lastAttempt: job.retryCount >= job.retryLimit,
    });
  } catch (error) {
    // Retrying at once would only find the lease held again and use up the job's retries:
    // come back when it ends instead (if its run is alive it will have settled by then).
    if (!(error instanceof LeaseHeldError)) throw error;
    await enqueueGenerationAt(error.generationId, error.leaseEndsAt);
  }
}
