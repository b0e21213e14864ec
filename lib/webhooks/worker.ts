import type PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db";
import { jobs, QUEUES, runningJobs } from "@/lib/jobs";
import { log, withLogContext } from "@/lib/log";
import { deliverWebhook } from "@/lib/webhooks/deliver";

// Webhook delivery workers: deliveries are short HTTP calls, so a few pollers per process suffice.
const jobData = z.object({ deliveryId: z.string().min(1) });

export async function startWebhookWorkers(options: { concurrency: number }): Promise<void> {
  const boss = await jobs();
  for (let i = 0; i < options.concurrency; i++) {
    await boss.work<unknown>(
      QUEUES.webhook,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 },
      async (batch: PgBoss.JobWithMetadata<unknown>[]) => {
        for (const job of batch) {
          const data = jobData.safeParse(job.data);
          if (!data.success) {
            log.error("webhook: job has no delivery id", { jobId: job.id });
            continue;
          }
          const { deliveryId } = data.data;
          await withLogContext({ requestId: `job:${job.id}` }, () =>
            deliverWebhook(db(), deliveryId, { lastAttempt: job.retryCount >= job.retryLimit }),
          );
        }
      },
    );
  }
}

/** Graceful stop: no new deliveries are taken; running ones finish when the queue stops (stopJobs). */
export async function stopWebhookWorkers(): Promise<void> {
  await runningJobs()?.offWork(QUEUES.webhook);
}
