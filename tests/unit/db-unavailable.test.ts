import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "../../lib/db-unavailable";

// An outage answers 503 "try again"; a query error must not, or a bad request would look like a
// database that is down (and a signed-in user whose lookup failed would be told to retry forever).

/** An error shaped like node-postgres / Node's own: a message and a `code` property. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Prisma's driver-adapter error: the adapter's payload, `kind` included, is the cause. */
function adapterError(kind: string): Error {
  const error = new Error(kind, { cause: { kind } });
  error.name = "DriverAdapterError";
  return error;
}

const refused = coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");

const selfCaused = new Error("boom");
selfCaused.cause = selfCaused;

describe("isDatabaseUnavailable", () => {
  it.each<[string, unknown]>([
    ["ECONNREFUSED", refused],
    ["ECONNREFUSED code without a telling message", coded("socket error", "ECONNREFUSED")],
    ["pg's 'Connection terminated unexpectedly'", new Error("Connection terminated unexpectedly")],
    ["57P01 admin shutdown", coded("terminating connection due to administrator command", "57P01")],
    ["08006 connection failure", coded("connection failure", "08006")],
    ["Prisma P1001", coded("Can't reach database server at `127.0.0.1:5432`", "P1001")],
    [
      // What Prisma 7 throws for $queryRaw when the server is down (seen in tests/integration/metrics.test.ts).
      "Prisma P2010 raw query, server unreachable",
      coded("Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:1`", "P2010"),
    ],
    ["driver adapter ConnectionClosed", adapterError("ConnectionClosed")],
    ["driver adapter DatabaseNotReachable", adapterError("DatabaseNotReachable")],
    ["adapter kind on the cause, neutral message", new Error("query failed", { cause: { kind: "ConnectionClosed" } })],
    ["our own DatabaseUnavailableError", new DatabaseUnavailableError(refused)],
    ["ECONNREFUSED one cause down", new Error("Invalid `prisma.user.findUnique()` invocation", { cause: refused })],
    [
      "ECONNREFUSED three causes down",
      new Error("outer", { cause: new Error("middle", { cause: new Error("inner", { cause: refused }) }) }),
    ],
    [
      "AggregateError of refused connections (IPv4 and IPv6)",
      new AggregateError([coded("connect ECONNREFUSED ::1:5432", "ECONNREFUSED"), refused], ""),
    ],
    [
      "AggregateError with one outage among query errors",
      new AggregateError([coded("duplicate key value", "23505"), refused], "several failures"),
    ],
  ])("%s → unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["unique violation 23505", coded('duplicate key value violates unique constraint "User_email_key"', "23505")],
    ["syntax error 42601", coded('syntax error at or near "SELEC"', "42601")],
    ["Prisma P2002 unique constraint", coded("Unique constraint failed on the fields: (`email`)", "P2002")],
    ["plain Error('boom')", new Error("boom")],
    ["query error as the cause", new Error("outer", { cause: coded("division by zero", "22012") })],
    ["AggregateError of query errors", new AggregateError([coded("duplicate key value", "23505")], "")],
    ["an error that is its own cause", selfCaused],
    ["a string that names an outage", "connect ECONNREFUSED 127.0.0.1:5432"],
    ["a plain object with an outage code", { code: "ECONNREFUSED", message: "Connection terminated" }],
    ["null", null],
    ["undefined", undefined],
    ["a number", 57],
  ])("%s → not unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
