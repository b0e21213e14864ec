// A generation worker as its own process, for tests that stop or kill one mid-call:
//   node --import tsx tests/support/generation-worker.ts <databaseUrl> <schema> <jobsSchema>
// Configuration (AIML_*, GENERATION_ATTEMPT_SECONDS, SHUTDOWN_GRACE_SECONDS, STORAGE_DIR...) comes
// from the environment. Prints "ready" once it polls the queue; on SIGTERM it shuts down the way
// `npm run worker` does (lib/shutdown.ts). Its log lines (JSON) go to stdout after "ready".
import { stopBackgroundWork } from "../../lib/background";
import { createDb, setDb } from "../../lib/db";
import { env } from "../../lib/env";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { configureJobs } from "../../lib/jobs";
import { onShutdownSignal } from "../../lib/shutdown";

const [url, schema, jobsSchema] = process.argv.slice(2);
if (!url || !schema || !jobsSchema) {
  console.error("usage: generation-worker.ts <databaseUrl> <schema> <jobsSchema>");
  process.exit(2);
}
setDb(createDb(url, { schema }));
configureJobs({ connectionString: url, schema: jobsSchema, attemptSeconds: env().GENERATION_ATTEMPT_SECONDS });
onShutdownSignal(() => stopBackgroundWork({ graceMs: env().SHUTDOWN_GRACE_SECONDS * 1000 }));
await startGenerationWorkers({ concurrency: 2 });
console.log("ready");
