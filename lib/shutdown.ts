import { log } from "@/lib/log";

// Graceful stop for the web server (instrumentation.ts) and `npm run worker`: on SIGTERM or SIGINT
// the process reports not-ready (/api/ready answers 503 so a load balancer stops sending work),
// stops taking jobs, lets running generations finish within SHUTDOWN_GRACE_SECONDS, hands the
// rest back to the queue (lib/background.ts stopBackgroundWork), and only then exits. No
// `server-only`: the worker loads this under tsx.

type ShutdownState = { draining: boolean; installed: boolean; after: (() => void)[] };
const globalForShutdown = globalThis as unknown as { atelierShutdown?: ShutdownState };

function state(): ShutdownState {
  globalForShutdown.atelierShutdown ??= { draining: false, installed: false, after: [] };
  return globalForShutdown.atelierShutdown;
}

/** True once a stop signal arrived: readiness fails while the process drains. */
export function isDraining(): boolean {
  return state().draining;
}

/**
 * Runs `drain` on the first SIGTERM/SIGINT (later signals are ignored while it runs), then hands
 * over to whatever handled the signal before (Next's own server shutdown, which closes the HTTP
 * server after its pending requests and exits), or exits 0 when nothing did.
 */
export function onShutdownSignal(drain: () => Promise<void>): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  const signals = ["SIGTERM", "SIGINT"] as const;
  const previous = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  for (const signal of signals) process.removeAllListeners(signal);

  let stopping: Promise<void> | undefined;
  const handler = (signal: (typeof signals)[number]) => {
    if (stopping) return;
    s.draining = true;
    log.info("shutdown: stop signal received, draining", { signal });
    stopping = drain()
      .catch((error: unknown) => log.error("shutdown: draining failed", { err: error }))
      .then(() => {
        log.info("shutdown: drained", { signal });
        const handlers = [...(previous.get(signal) ?? []), ...s.after];
        if (handlers.length === 0) process.exit(0);
        for (const h of handlers) h(signal);
      });
  };
  for (const signal of signals) process.on(signal, () => handler(signal));
}

/**
 * For a server that closes itself on a stop signal (scripts/serve.ts): run `close` only after the
 * drain, instead of on the signal itself; without a drain installed, on the signal.
 */
export function afterShutdown(close: () => void): void {
  const s = state();
  if (s.installed) s.after.push(close);
  else for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, close);
}
