import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Logger } from "pino";

// The one logger of every process (web server, `npm run worker`, scripts): JSON lines on stdout.
// Each line carries the context of the request or job it belongs to (requestId, userId,
// generationId), taken from AsyncLocalStorage so no call site has to pass it along.
// No `server-only`: the worker and scripts load this under tsx.

export type LogContext = { requestId: string; userId?: string; generationId?: string };
export type LogFields = Record<string, unknown>;

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LEVELS)[number];

/**
 * Field names whose values never reach the output: prompts and emails are the user's, the rest
 * are secrets. Call sites should not pass them at all; this catches the ones that slip through
 * (e.g. a whole row or request logged as a field).
 */
const REDACTED = [
  "prompt",
  "email",
  "authorization",
  "cookie",
  "password",
  "secret",
  "apiKey",
  "token",
  "headers.authorization",
  "headers.cookie",
];

type Runtime = { logger: Logger; storage: AsyncLocalStorage<LogContext> };
const globalForLog = globalThis as unknown as { atelierLog?: Runtime };

function levelFromEnv(): LogLevel {
  // Read directly rather than through env(): logging must work before (and when) the rest of the
  // configuration fails to validate. lib/env.ts validates LOG_LEVEL with the same list.
  const raw = process.env.LOG_LEVEL?.trim().toLowerCase();
  return raw && (LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : "info";
}

function create(destination?: DestinationStream): Runtime {
  const storage = globalForLog.atelierLog?.storage ?? new AsyncLocalStorage<LogContext>();
  const logger = pino(
    {
      level: levelFromEnv(),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED, ...REDACTED.map((p) => `*.${p}`)], censor: "[redacted]" },
      mixin: () => ({ ...storage.getStore() }),
      // The context's ids win over same-named fields of a call, so a line is never misattributed.
      mixinMergeStrategy: (fields, context) => ({ ...fields, ...context }),
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return { logger, storage };
}

function runtime(): Runtime {
  globalForLog.atelierLog ??= create();
  return globalForLog.atelierLog;
}

/** Sends this process's log lines to `destination` (tests capture them; `npm run dev` prettifies them). */
export function configureLogOutput(destination: DestinationStream): void {
  globalForLog.atelierLog = create(destination);
}

/** Runs `fn` with these fields added to every line it logs (nested calls add to the outer ones). */
export function withLogContext<T>(fields: Partial<LogContext> & { requestId?: string }, fn: () => T): T {
  const { storage } = runtime();
  const outer = storage.getStore();
  const requestId = fields.requestId ?? outer?.requestId ?? randomUUID();
  return storage.run({ ...outer, ...fields, requestId }, fn);
}

/** The request or job context this code runs in, if any. */
export function logContext(): LogContext | undefined {
  return runtime().storage.getStore();
}

/** A request id from the incoming headers (a proxy's X-Request-Id, if well-formed), else a new one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}

function at(level: "debug" | "info" | "warn" | "error" | "fatal") {
  return (message: string, fields?: LogFields) => {
    const logger = runtime().logger;
    if (fields) logger[level](fields, message);
    else logger[level](message);
  };
}

/** `log.info("what happened", { fields })`. Put an error under `err` to get its stack. */
export const log = {
  debug: at("debug"),
  info: at("info"),
  warn: at("warn"),
  error: at("error"),
  fatal: at("fatal"),
  /** Writes out what is buffered (before process.exit). */
  flush: () => runtime().logger.flush(),
};
