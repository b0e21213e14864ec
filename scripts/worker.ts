// `npm run worker`: a process that only works the background jobs (generations, derivatives, webhooks, sweeps), for scaling out beside
// the web servers (which run the same workers unless RUN_WORKERS=0). Needs DATABASE_URL.
// On SIGTERM it stops taking jobs, lets running ones finish within SHUTDOWN_GRACE_SECONDS and
// hands the rest back to the queue (lib/shutdown.ts).
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
// This process exists to run the workers, whatever the web servers' RUN_WORKERS says.
process.env.RUN_WORKERS = "1";

const { log } = await import("../lib/log");
const { EnvError, env } = await import("../lib/env");
try {
  if (!env().DATABASE_URL) throw new EnvError("DATABASE_URL is required to run a worker.");
} catch (error) {
  log.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const { startBackgroundWork, stopBackgroundWork } = await import("../lib/background");
const { onShutdownSignal } = await import("../lib/shutdown");

onShutdownSignal(() => stopBackgroundWork({ graceMs: env().SHUTDOWN_GRACE_SECONDS * 1000 }));
await startBackgroundWork();
log.info("worker started", {
  concurrency: env().GENERATION_CONCURRENCY,
  shutdownGraceSeconds: env().SHUTDOWN_GRACE_SECONDS,
});
