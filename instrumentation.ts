import type { Instrumentation } from "next";

// Runs once when the server starts: configuration is checked before the first request, the
// background workers start in the same process (scripts/worker.ts runs more of them elsewhere),
// and SIGTERM drains them before Next closes the server (lib/shutdown.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  const config = env();
  const { startBackgroundWork, stopBackgroundWork } = await import("@/lib/background");
  const { onShutdownSignal } = await import("@/lib/shutdown");
  onShutdownSignal(() => stopBackgroundWork({ graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 }));
  await startBackgroundWork();
}

/** Uncaught errors of routes, pages and actions: logged with the route, counted as 5xx. */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log, withLogContext } = await import("@/lib/log");
  const { countHttp5xx } = await import("@/lib/metrics/process");
  countHttp5xx(context.routePath);
  const requestId = request.headers["x-request-id"];
  withLogContext(typeof requestId === "string" ? { requestId } : {}, () =>
    log.error("request failed", {
      err: error,
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
    }),
  );
};
