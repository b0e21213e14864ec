import type PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db";
import { type Dispatcher, startDispatcher } from "@/lib/generations/dispatcher";
import { LeaseHeldError, runGeneration } from "@/lib/generations/run";
import { sweepExpiredGenerations } from "@/lib/generations/sweep";
import { makeGenerationDerivatives } from "@/lib/images/derivatives-job";
import { enqueueGenerationAt, jobs, jobsConfig, QUEUES, runningJobs, trackConsumer } from "@/lib/jobs";
import { log, withLogContext } from "@/lib/log";
import { objectStore } from "@/lib/storage";

// Registers this process as a generation worker: up to `concurrency` generation jobs at once from
// one polling loop (lib/generations/dispatcher.ts), the sweeper on a one-minute schedule shared by every
// process, one sweep at start so a restarted studio refunds what expired while it was down, and
// the derivatives job (thumbnails and placeholders of settled generations).

const jobData = z.object({
  generationId: z.string().min(1),
  requestId: z.string().optional(),
  userId: z.string().optional(),
});

type WorkerState = { dispatcher?: Dispatcher; shutdown: AbortController };
const globalForWorkers = globalThis as unknown as { atelierGenerationWorkers?: WorkerState };

function workerState(): WorkerState {
  globalForWorkers.atelierGenerationWorkers ??= { shutdown: new AbortController() };
  return globalForWorkers.atelierGenerationWorkers;
}

export async function startGenerationWorkers(options: { concurrency: number }): Promise<void> {
  const boss = await jobs();
  const { attemptSeconds } = jobsConfig();
  const dispatcher = startDispatcher(boss, {
    queue: QUEUES.generate,
    capacity: options.concurrency,
    pollIntervalMs: 1000,
    handle: (job) => handle(job, attemptSeconds),
  });
  workerState().dispatcher = dispatcher;
  trackConsumer(dispatcher);
  // Thumbnails are background work: one at a time. A sharp pipeline holds a core and one of
  // libuv's four threads, which the generations' own steps (storing originals, settling) need
  // while a burst of answers arrives; the page shows the original until the thumbnail comes.
  await boss.work<unknown>(QUEUES.derivatives, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    const data = jobData.safeParse(job?.data);
    if (!data.success) return log.error("derivatives: job has no generation id", { jobId: job?.id });
    const { generationId } = data.data;
    await withLogContext({ requestId: `job:${job?.id ?? "-"}`, generationId }, () =>
      makeGenerationDerivatives(db(), generationId, objectStore()),
    );
  });
  await boss.work(QUEUES.sweep, { pollingIntervalSeconds: 5 }, async (batch) => {
    await withLogContext({ requestId: `sweep:${batch[0]?.id ?? "-"}` }, () => sweepExpiredGenerations(db()));
  });
  await boss.schedule(QUEUES.sweep, "* * * * *");
  await withLogContext({ requestId: "sweep:start-up" }, () => sweepExpiredGenerations(db())).catch((error: unknown) =>
    log.error("generation: start-up sweep failed", { err: error }),
  );
}

/**
 * Graceful stop: the dispatcher fetches no new generation jobs, the derivatives and sweep workers
 * stop polling; the running generations get `graceMs` to finish; then their model calls are
 * aborted and each generation goes back to the queue at once (its lease released, a new job
 * sent), so another process runs it without waiting for the lease to expire.
 */
export async function stopGenerationWorkers(options: { graceMs: number }): Promise<void> {
  const boss = runningJobs();
  if (!boss) return;
  const state = workerState();
  const dispatcher = state.dispatcher;
  await boss.offWork(QUEUES.derivatives);
  await boss.offWork(QUEUES.sweep);
  if (!dispatcher) return;
  if (dispatcher.running > 0) {
    log.info("shutdown: waiting for running generations", { running: dispatcher.running, graceMs: options.graceMs });
  }
  await dispatcher.stop(options.graceMs);
  if (dispatcher.running === 0) return;
  log.warn("shutdown: grace period over, handing running generations back", { running: dispatcher.running });
  state.shutdown.abort();
  // A handed-back run only releases its lease and sends a new job: quick, but bounded anyway.
  await dispatcher.stop(30_000);
}

async function handle(job: PgBoss.JobWithMetadata<unknown>, attemptSeconds: number): Promise<void> {
  const data = jobData.safeParse(job.data);
  if (!data.success) {
    // Retrying cannot fix a malformed job; completing it is right, and the sweeper refunds.
    log.error("generation: job has no generation id", { jobId: job.id });
    return;
  }
  const { generationId, requestId, userId } = data.data;
  const context = { requestId: requestId ?? `job:${job.id}`, generationId, ...(userId ? { userId } : {}) };
  await withLogContext(context, async () => {
    try {
      const result = await runGeneration(db(), generationId, {
        attemptSeconds,
        lastAttempt: job.retryCount >= job.retryLimit,
        shutdown: workerState().shutdown.signal,
      });
      // Stopped mid-call by a shutdown: the generation is QUEUED again; a new job lets any other
      // process take it now (this job completes; a spare run would find it settled and do nothing).
      if (result.kind === "handed_back") await enqueueGenerationAt(generationId, new Date());
    } catch (error) {
      // Retrying at once would only find the lease held again and use up the job's retries:
      // come back when it ends instead (if its run is alive it will have settled by then).
      if (!(error instanceof LeaseHeldError)) throw error;
      await enqueueGenerationAt(error.generationId, error.leaseEndsAt);
    }
  });
}
