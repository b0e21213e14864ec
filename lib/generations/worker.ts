import { availableParallelism } from "node:os";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db";
import { LeaseHeldError, runGeneration } from "@/lib/generations/run";
import { sweepExpiredGenerations } from "@/lib/generations/sweep";
import { makeGenerationDerivatives } from "@/lib/images/derivatives-job";
import { enqueueGenerationAt, jobs, jobsConfig, QUEUES, trackWorker } from "@/lib/jobs";
import { objectStore } from "@/lib/storage";

// Registers this process as a generation worker: `concurrency` pollers of the generate queue
// (pg-boss 10 runs one job per poller), the sweeper on a one-minute schedule shared by every
// process, one sweep at start so a restarted studio refunds what expired while it was down, and
// the derivatives job (thumbnails and placeholders of settled generations).

const jobData = z.object({ generationId: z.string().min(1) });

export async function startGenerationWorkers(options: { concurrency: number }): Promise<void> {
  const boss = await jobs();
  const { attemptSeconds } = jobsConfig();
  for (let i = 0; i < options.concurrency; i++) {
    const id = await boss.work<unknown>(
      QUEUES.generate,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 },
      async (batch: PgBoss.JobWithMetadata<unknown>[]) => {
        for (const job of batch) await handle(job, attemptSeconds);
      },
    );
    trackWorker(id);
  }
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
