import { env } from "@/lib/env";

/**
 * Starts the in-process workers (job queue consumers, sweepers). Each part registers here so the
 * web server and `npm run worker` start the same set.
 */
export async function startBackgroundWork(): Promise<void> {
  if (!env().RUN_WORKERS) return;
}
