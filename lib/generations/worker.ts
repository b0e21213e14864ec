import type PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db";
import { LeaseHeldError, runGeneration } from "@/lib/generations/run";
import { sweepExpiredGenerations } from "@/lib/generations/sweep";
import { enqueueGenerationAt, jobs, jobsConfig, QUEUES, runningJobs, trackWorker } from "@/lib/jobs";
import { log, withLogContext } from "@/lib/log";

// Registers this process as a generation worker: `concurrency` pollers of the generate queue
// (pg-boss 10 runs one job per poller), the sweeper on a one-minute schedule shared by every
// process, and one sweep at start so a restarted studio refunds what expired while it was down.

const jobData = z.object({
  generationId: z.string().min(1),
  requestId: z.string().optional(),
  userId: z.string().optional(),
});

type WorkerState = { inFlight: Set<Promise<void>>; shutdown: AbortController };
const globalForWorkers = globalThis as unknown as { atelierGenerationWorkers?: WorkerState };

function workerState(): WorkerState {
  globalForWorkers.atelierGenerationWorkers ??= { inFlight: new Set(), shutdown: new AbortController() };
  return globalForWorkers.atelierGenerationWorkers;
}

export async function startGenerationWorkers(options: { concurrency: number }): Promise<void> {
  const boss = await jobs();
  const { attemptSeconds } = jobsConfig();
  for (let i = 0; i < options.concurrency; i++) {
    const id = await boss.work<unknown>(
      QUEUES.generate,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 },
      async (batch: PgBoss.JobWithMetadata<unknown>[]) => {
        for (const job of batch) await track(handle(job, attemptSeconds));
      },
    );
    trackWorker(id);
  }
  await boss.work(QUEUES.sweep, { pollingIntervalSeconds: 5 }, async (batch) => {
    await withLogContext({ requestId: `sweep:${batch[0]?.id ?? "-"}` }, () => sweepExpiredGenerations(db()));
  });
  await boss.schedule(QUEUES.sweep, "* * * * *");
  await withLogContext({ requestId: "sweep:start-up" }, () => sweepExpiredGenerations(db())).catch((error: unknown) =>
    log.error("generation: start-up sweep failed", { err: error }),
  );
}

async function track(run: Promise<void>): Promise<void> {
  const { inFlight } = workerState();
  inFlight.add(run);
  try {
    await run;
  } finally {
    inFlight.delete(run);
  }
}

/**
 * Graceful stop: no new generation jobs are taken; the running ones get `graceMs` to finish;
 * then their model calls are aborted and each generation goes back to the queue at once (its lease
 * released, a new job sent), so another process runs it without waiting for the lease to expire.
 */
export async function stopGenerationWorkers(options: { graceMs: number }): Promise<void> {
  const boss = runningJobs();
  if (!boss) return;
  await boss.offWork(QUEUES.generate);
  await boss.offWork(QUEUES.sweep);
  const { inFlight, shutdown } = workerState();
  const all = () => Promise.allSettled([...inFlight]);
  if (inFlight.size === 0) return;
  log.info("shutdown: waiting for running generations", { running: inFlight.size, graceMs: options.graceMs });
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    all().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (finished) return;
  log.warn("shutdown: grace period over, handing running generations back", { running: inFlight.size });
  shutdown.abort();
  await all();
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
