import { env } from "@/lib/env";

/**
 * Starts the in-process workers (job queue consumers, sweepers). Each part registers here so the
 * web server and `npm run worker` start the same set.
 */
export async function startBackgroundWork(): Promise<void> {
  if (!env().RUN_WORKERS) return;
  // Generation jobs and the deadline sweeper (lib/generations/worker.ts).
  const { startGenerationWorkers } = await import("@/lib/generations/worker");
  await startGenerationWorkers({ concurrency: env().GENERATION_CONCURRENCY });
  // Ended rate-limit windows; hourly is plenty (the table holds one row per active subject).
  const { pruneRateLimits } = await import("@/lib/rate-limit/limiter");
  const { db } = await import("@/lib/db");
  const { log } = await import("@/lib/log");
  setInterval(() => {
    pruneRateLimits(db()).catch((error: unknown) => log.error("rate-limit pruning failed", { err: error }));
  }, 3_600_000).unref();
  // Outgoing webhook deliveries (lib/webhooks/worker.ts).
  const { startWebhookWorkers } = await import("@/lib/webhooks/worker");
  await startWebhookWorkers({ concurrency: 2 });
}

/**
 * Stops what startBackgroundWork started, for a graceful exit: no new jobs are taken, running
 * generations get `graceMs` to finish, the rest are handed back to the queue, then the queue's
 * connections close. Safe to call when nothing was started.
 */
export async function stopBackgroundWork(options: { graceMs: number }): Promise<void> {
  const { stopGenerationWorkers } = await import("@/lib/generations/worker");
  await stopGenerationWorkers(options);
  const { stopWebhookWorkers } = await import("@/lib/webhooks/worker");
  await stopWebhookWorkers();
  const { stopJobs } = await import("@/lib/jobs");
  await stopJobs({ timeoutMs: 5_000 });
}
