import "server-only";
import type { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { isDatabaseUnavailable } from "@/lib/db-unavailable";
import { notFoundResponse, routeError, unavailableResponse } from "@/lib/http/route-errors";
import { log } from "@/lib/log";

export { notFoundResponse, routeError, unavailableResponse };

// The one way to write a route handler, as userAction is for server actions: who may call, what
// the path and query must look like, and one JSON error body, `{ error: { code, message } }`.
// Ids are validated before the handler runs, so a malformed one never reaches a query: 404.

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

type Options<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, A extends "user" | "public"> = {
  /** "user": a signed-in caller (401 otherwise, 503 when the session cannot be looked up). */
  auth: A;
  /** The dynamic segments; a mismatch is 404 (an id that cannot exist does not exist). */
  params?: P;
  /** The search parameters as an object (repeated keys become arrays); a mismatch is 400. */
  query?: Q;
  /** The message of the 400 answer when the query does not match. */
  invalidQueryMessage?: string;
};

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type RouteInput<P, Q, A> = {
  request: Request;
  params: Infer<P>;
  query: Infer<Q>;
  user: A extends "user" ? SessionUser : null;
};

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  return out;
}

export function route<
  A extends "user" | "public",
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  options: Options<P, Q, A>,
  handler: (input: RouteInput<P, Q, A>) => Promise<Response>,
): (request: Request, context?: RouteContext) => Promise<Response> {
  return async (request, context) => {
    try {
      let params: unknown;
      if (options.params) {
        const parsed = options.params.safeParse((await context?.params) ?? {});
        if (!parsed.success) return notFoundResponse();
        params = parsed.data;
      }
      let query: unknown;
      if (options.query) {
        const parsed = options.query.safeParse(queryObject(new URL(request.url)));
        if (!parsed.success) {
          return routeError(400, "invalid_input", options.invalidQueryMessage ?? "The request is not valid.");
        }
        query = parsed.data;
      }
      let user: SessionUser | null = null;
      if (options.auth === "user") {
        // Loaded only by routes that need a caller, so public ones (the Stripe webhook) stay free of Auth.js.
        const { currentUser } = await import("@/lib/auth");
        user = await currentUser();
        if (!user) return routeError(401, "unauthenticated", "Your session has ended. Sign in again to continue.");
      }
      return await handler({ request, params, query, user } as RouteInput<P, Q, A>);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        log.warn("route: database unavailable", { path: new URL(request.url).pathname });
        return unavailableResponse();
      }
      log.error("route failed", { path: new URL(request.url).pathname, err: error });
      return routeError(500, "internal", "Something went wrong on our side. Please try again.");
    }
  };
}
