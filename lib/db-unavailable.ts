import "server-only";

// "The database could not be asked" is a different answer from "the database said no": a signed-in
// user whose session lookup failed is not signed out. Callers turn this into 503 / "unavailable".

export const UNAVAILABLE_MESSAGE =
  "Atelier can't reach its database right now. Nothing was charged; try again in a moment.";
/** Seconds a client should wait before retrying during an outage (the Retry-After header). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export class DatabaseUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("database unavailable", { cause });
    this.name = "DatabaseUnavailableError";
  }
}

// Connection-level failures from node-postgres / the Prisma adapter, and PostgreSQL's own
// "shutting down / cannot connect now" classes (57P0x, 08xxx). Query errors (bad input,
// constraint violations) are not outages.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
const CONNECTION_MESSAGES = [
  "connection terminated",
  "connection refused",
  "connect econnrefused",
  "timeout exceeded when trying to connect",
  "server closed the connection unexpectedly",
  "terminating connection",
  "the database system is shutting down",
  "the database system is starting up",
  "can't reach database server",
  "database connection closed",
  "server has closed the connection",
  "connectionclosed",
  "databasenotreachable",
];
// Prisma's codes for "cannot reach / timed out / connection closed".
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || PRISMA_CODES.has(code) || /^(08|57P0)/.test(code))) {
    return true;
  }
  const kind = (error as { cause?: { kind?: unknown } }).cause?.kind;
  if (kind === "ConnectionClosed" || kind === "DatabaseNotReachable") return true;
  const message = error.message.toLowerCase();
  if (CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
  const nested = [(error as { cause?: unknown }).cause];
  if (error instanceof AggregateError) nested.push(...error.errors);
  return nested.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
