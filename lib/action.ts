import "server-only";
import { headers } from "next/headers";
import type { z } from "zod";
import { currentUser, type SessionUser } from "@/lib/auth";
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from "@/lib/db-unavailable";
import { log, requestIdFrom, withLogContext } from "@/lib/log";

export type ActionError = {
  code: string;
  message: string;
  fields?: Record<string, string>;
  /** The caller's credit balance as the refusal found it, when the refusal is about credits. */
  balance?: number;
};
export type ActionResult<T = undefined> = { ok: true; data: T } | { ok: false; error: ActionError };

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function fail(
  code: string,
  message: string,
  fields?: Record<string, string>,
): { ok: false; error: ActionError } {
  return { ok: false, error: { code, message, ...(fields ? { fields } : {}) } };
}

function toObject(input: unknown): unknown {
  if (input instanceof FormData) {
    const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
    for (const key of new Set(input.keys())) {
      const all = input.getAll(key);
      out[key] = all.length > 1 ? all : (all[0] ?? "");
    }
    return out;
  }
  return input;
}

/**
 * The one way to write a server action: the caller must be signed in, the input must pass the
 * schema, and only then does the body run (the body still checks ownership in its queries).
 * Works both as a form action (`useActionState`, receives FormData) and when called directly.
 */
export function userAction<S extends z.ZodType, T>(
  schema: S,
  body: (input: z.infer<S>, user: SessionUser) => Promise<ActionResult<T>>,
): (prevOrInput: unknown, formData?: FormData) => Promise<ActionResult<T>> {
  return async (prevOrInput, formData) => {
    let user: SessionUser | null;
    try {
      user = await currentUser();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return fail("unavailable", UNAVAILABLE_MESSAGE);
    }
    if (!user) return fail("unauthenticated", "Your session has ended. Sign in again to continue.");
    const parsed = schema.safeParse(toObject(formData ?? prevOrInput));
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "form";
        fields[key] ??= issue.message;
      }
      const first = parsed.error.issues[0];
      return fail("invalid_input", first ? first.message : "Check the form and try again.", fields);
    }
    // Every line this action logs (and the jobs it queues) carries its request id and user id.
    // Outside a request (a script or test calling the action), there are no headers: a fresh id.
    const requestId = requestIdFrom(await requestHeaders());
    return withLogContext({ requestId, userId: user.id }, async () => {
      try {
        return await body(parsed.data, user);
      } catch (error) {
        if (isDatabaseUnavailable(error)) return fail("unavailable", UNAVAILABLE_MESSAGE);
        log.error("action failed", { err: error });
        return fail("internal", "Something went wrong on our side. Nothing was charged; please try again.");
      }
    });
  };
}

async function requestHeaders(): Promise<Headers> {
  try {
    return await headers();
  } catch {
    return new Headers();
  }
}
