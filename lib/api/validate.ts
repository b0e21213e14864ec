import "server-only";
import type { z } from "zod";
import { invalidRequest } from "@/lib/api/errors";

/** Parses API input with its zod schema; the first problem becomes a 400 naming the parameter. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    throw invalidRequest(`Unknown parameter: ${issue.keys.join(", ")}.`, issue.keys[0]);
  }
  const param = issue?.path.map(String).join(".") || undefined;
  throw invalidRequest(issue?.message ?? "The request is invalid.", param);
}
