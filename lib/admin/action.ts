import "server-only";
import type { z } from "zod";
import { type ActionResult, fail, userAction } from "@/lib/action";
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from "@/lib/db-unavailable";
import { type Admin, requireAdmin } from "./access";

/**
 * userAction for the admin area: the caller must be an admin before anything else happens —
 * everyone else gets the 404 an unknown action would (notFound() throws out of the action, before
 * userAction's own checks, which then still run: signed in, input valid).
 */
export function adminAction<S extends z.ZodType, T>(
  schema: S,
  body: (input: z.infer<S>, admin: Admin) => Promise<ActionResult<T>>,
): (prevOrInput: unknown, formData?: FormData) => Promise<ActionResult<T>> {
  const run = userAction(schema, async (input: z.infer<S>) => body(input, await requireAdmin()));
  return async (prevOrInput, formData) => {
    try {
      await requireAdmin();
    } catch (error) {
      // The role could not be looked up: an outage, answered as userAction answers it (not a 404).
      if (!isDatabaseUnavailable(error)) throw error;
      return fail("unavailable", UNAVAILABLE_MESSAGE);
    }
    return run(prevOrInput, formData);
  };
}
