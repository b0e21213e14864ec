// Runs once when the server starts: configuration is checked before the first request, and the
// background workers start in the same process (scripts/worker.ts runs more of them elsewhere).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  env();
  const { startBackgroundWork } = await import("@/lib/background");
  await startBackgroundWork();
}
