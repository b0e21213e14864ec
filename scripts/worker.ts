// `npm run worker`: a process that only works generation jobs and sweeps, for scaling out beside
// the web servers (which run the same workers unless RUN_WORKERS=0). Needs DATABASE_URL.
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
// This process exists to run the workers, whatever the web servers' RUN_WORKERS says.
process.env.RUN_WORKERS = "1";

const { EnvError, env } = await import("../lib/env");
try {
  if (!env().DATABASE_URL) throw new EnvError("DATABASE_URL is required to run a worker.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const { startBackgroundWork } = await import("../lib/background");
const { stopJobs } = await import("../lib/jobs");

await startBackgroundWork();
console.log(`• Worker started (${env().GENERATION_CONCURRENCY} generation jobs at a time)`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`• ${signal}: finishing running jobs (up to 30 s)…`);
  await stopJobs({ timeoutMs: 30_000 }).catch((error: unknown) => console.error(error));
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
