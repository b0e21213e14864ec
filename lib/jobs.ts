import PgBoss from "pg-boss";
import type { Tx } from "@/lib/credits/ledger";
import { env } from "@/lib/env";
import { log, logContext } from "@/lib/log";

// Durable jobs on the application's own PostgreSQL (pg-boss 10, in a schema of its own). No
// `server-only` here: `npm run worker` loads this module under tsx.

export const QUEUES = {
  /** One job per generation: call the image source, keep the images, settle the credits. */
  generate: "generate",
  /** Refunds generations past their deadline (cron, once a minute across all processes). */
  sweep: "generation-sweep",
  /** Thumbnails and placeholders of a settled generation's images: after the fact, off the critical path. */
  derivatives: "image-derivatives",
  /** One job per outgoing webhook delivery (lib/webhooks/deliver.ts). */
  webhook: "webhook-delivery",
} as const;

/** requestId, userId: the submitting request's, so the worker's log lines can be joined to it. */
export type GenerateJob = { generationId: string; requestId?: string; userId?: string };

function generateJob(generationId: string): GenerateJob {
  const context = logContext();
  return {
    generationId,
    ...(context?.requestId ? { requestId: context.requestId } : {}),
    ...(context?.userId ? { userId: context.userId } : {}),
  };
}
export type DerivativesJob = { generationId: string };

export type JobsConfig = {
  connectionString: string;
  /** PostgreSQL schema for pg-boss's tables ("pgboss" in a deployment; one per test file). */
  schema: string;
  /** Seconds one run of a generation job may hold it before it counts as lost (GENERATION_ATTEMPT_SECONDS). */
  attemptSeconds: number;
};

/** A consumer of this process's queues other than pg-boss's own work(): woken by submits, stopped first. */
export type Consumer = { wake(): void; stop(timeoutMs: number): Promise<void> };

type Runtime = {
  config: JobsConfig;
  boss: PgBoss;
  started?: Promise<PgBoss>;
  consumers: Consumer[];
};

const globalForJobs = globalThis as unknown as { atelierJobs?: Runtime };

/** Points this process at a job store (tests and the worker command); otherwise env decides. */
export function configureJobs(config: JobsConfig): void {
  if (globalForJobs.atelierJobs) throw new Error("jobs are already configured in this process");
  globalForJobs.atelierJobs = { config, boss: createBoss(config), consumers: [] };
}

function runtime(): Runtime {
  if (!globalForJobs.atelierJobs) {
    const e = env();
    if (!e.DATABASE_URL) throw new Error("DATABASE_URL is not set: the job queue lives in the database.");
    configureJobs({ connectionString: e.DATABASE_URL, schema: "pgboss", attemptSeconds: e.GENERATION_ATTEMPT_SECONDS });
  }
  const rt = globalForJobs.atelierJobs;
  if (!rt) throw new Error("unreachable: jobs runtime missing after configuration");
  return rt;
}

export function jobsConfig(): JobsConfig {
  return runtime().config;
}

function createBoss(config: JobsConfig): PgBoss {
  const boss = new PgBoss({
    connectionString: config.connectionString,
    schema: config.schema,
    // Small pool: polling and job-state updates are short statements, and the embedded
    // PostgreSQL accepts only a handful of connections in all.
    max: 4,
    application_name: "atelier-jobs",
    // Expiry of lost runs is found by maintenance, so it must run often relative to a run's budget.
    maintenanceIntervalSeconds: Math.min(30, Math.max(1, Math.floor(config.attemptSeconds / 4))),
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 7,
  });
  boss.on("error", (error) => log.error("jobs: pg-boss error", { err: error }));
  return boss;
}

/** The started queue (schema installed, queues created); started once per process. */
export async function jobs(): Promise<PgBoss> {
  const rt = runtime();
  rt.started ??= (async () => {
    await rt.boss.start();
    const boss = rt.boss;
    await createQueueRetryingDeadlocks(boss, QUEUES.generate, generateRetryOptions(rt.config));
    await createQueueRetryingDeadlocks(boss, QUEUES.sweep, { policy: "singleton", retryLimit: 0 });
    await createQueueRetryingDeadlocks(boss, QUEUES.derivatives, DERIVATIVES_RETRY);
    await createQueueRetryingDeadlocks(boss, QUEUES.webhook, WEBHOOK_RETRY_OPTIONS);
    return rt.boss;
  })().catch((error: unknown) => {
    rt.started = undefined;
    throw error;
  });
  return rt.started;
}

/**
 * pg-boss's create_queue takes locks that deadlock when several processes (web servers and a worker
 * starting together) create the same queues at once; PostgreSQL aborts one of them, which then
 * simply tries again (the queue usually exists by then).
 */
async function createQueueRetryingDeadlocks(
  boss: PgBoss,
  name: string,
  options: Omit<PgBoss.Queue, "name">,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, { name, ...options });
      return;
    } catch (error) {
      const deadlock = typeof error === "object" && error !== null && "code" in error && error.code === "40P01";
      if (!deadlock || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

function generateRetryOptions(config: JobsConfig) {
  return {
    // Retries cover a run that died (crash, deploy, expiry) or hit an unexpected error. Upstream
    // failures are not retried here: the client already retried what is safe to retry.
    retryLimit: 4,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: config.attemptSeconds,
  };
}

// A failed thumbnail only costs the page a larger download, so a few spaced retries are enough.
const DERIVATIVES_RETRY = { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 };

export type Enqueue = (tx: Tx, generationId: string) => Promise<string>;

/**
 * Returns a function that adds a generation's job inside the caller's transaction, so a generation
 * is queued exactly when its row and its credit reservation commit (pg-boss runs its INSERT on our
 * connection). Call it BEFORE opening the transaction: starting the queue (schema, queues) needs
 * connections of its own, which a transaction must not wait on.
 */
export async function generationEnqueuer(): Promise<Enqueue> {
  const boss = await jobs();
  return (tx, generationId) => enqueueWith(boss, tx, generationId);
}

/**
 * Like generationEnqueuer, for the derivatives job of a generation that is settling with images:
 * the job commits with the settlement, so no completed generation is left without one.
 */
export async function derivativesEnqueuer(): Promise<Enqueue> {
  const boss = await jobs();
  return (tx, generationId) =>
    sendIn(boss, tx, QUEUES.derivatives, { generationId } satisfies DerivativesJob, DERIVATIVES_RETRY);
}

function enqueueWith(boss: PgBoss, tx: Tx, generationId: string): Promise<string> {
  return sendIn(boss, tx, QUEUES.generate, generateJob(generationId), generateRetryOptions(runtime().config));
}

async function sendIn(
  boss: PgBoss,
  tx: Tx,
  queue: string,
  data: object,
  options: Omit<PgBoss.SendOptions, "db">,
): Promise<string> {
  const id = await boss.send(queue, data, {
    ...options,
    db: {
      async executeSql(text: string, values: unknown[]) {
        // pg serialises objects as JSON itself; through Prisma they must arrive as text.
        const params = values.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v));
        const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params);
        return { rows };
      },
    },
  });
  if (!id) throw new Error(`the ${queue} queue refused the job ${JSON.stringify(data)}`);
  return id;
}

// Webhook deliveries retry with exponential backoff (pg-boss: 5 s x 2^n, jittered) for about a
// day: 14 retries add up to 23-46 hours. Each attempt may take a minute at most.
const WEBHOOK_RETRY_OPTIONS = { retryLimit: 14, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 };

export type WebhookJob = { deliveryId: string };

/** Queues one webhook delivery on the caller's transaction (the queue must already be started). */
export async function enqueueWebhookDelivery(tx: Tx, deliveryId: string): Promise<string> {
  return sendIn(await jobs(), tx, QUEUES.webhook, { deliveryId } satisfies WebhookJob, WEBHOOK_RETRY_OPTIONS);
}

/** Queues a delivery again now ("resend"), outside any transaction. */
export async function resendWebhookDelivery(deliveryId: string): Promise<void> {
  const boss = await jobs();
  await boss.send(QUEUES.webhook, { deliveryId } satisfies WebhookJob, WEBHOOK_RETRY_OPTIONS);
}

/**
 * Queues another run of a generation for later (its lease is held by a run that may have died).
 * A run that finds the generation settled by then does nothing, so a spare job is harmless.
 */
export async function enqueueGenerationAt(generationId: string, startAfter: Date): Promise<void> {
  const boss = await jobs();
  await boss.send(QUEUES.generate, generateJob(generationId), {
    ...generateRetryOptions(runtime().config),
    startAfter,
  });
}

/** The queue if this process started it, else undefined (stopping must not start it). */
export function runningJobs(): PgBoss | undefined {
  const rt = globalForJobs.atelierJobs;
  return rt?.started ? rt.boss : undefined;
}

/** Registers a consumer (lib/generations/dispatcher.ts) to be woken with the workers and stopped with the queue. */
export function trackConsumer(consumer: Consumer): void {
  runtime().consumers.push(consumer);
}

/** Wakes this process's generation workers (call after the enqueuing transaction commits). */
export function wakeWorkers(): void {
  const rt = globalForJobs.atelierJobs;
  if (!rt) return;
  for (const consumer of rt.consumers) consumer.wake();
}

/** Stops polling and closes the pool; running handlers get `timeoutMs` to finish. */
export async function stopJobs(options: { timeoutMs?: number } = {}): Promise<void> {
  const rt = globalForJobs.atelierJobs;
  if (!rt) return;
  globalForJobs.atelierJobs = undefined;
  if (rt.started) {
    await rt.started.catch(() => undefined);
    await Promise.all(rt.consumers.map((consumer) => consumer.stop(options.timeoutMs ?? 30_000)));
    await rt.boss.stop({ graceful: true, wait: true, timeout: options.timeoutMs ?? 30_000 });
  }
}
