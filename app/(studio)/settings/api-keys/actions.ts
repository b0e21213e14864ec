"use server";

import { z } from "zod";
import { fail, ok, userAction } from "@/lib/action";
import { apiKeyNameSchema, apiScopesSchema, createApiKey, revokeApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";

const createInput = z.object({
  name: apiKeyNameSchema,
  // A form sends one `scopes` entry per ticked box: a string for one, an array for several.
  scopes: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), apiScopesSchema),
});

/** Creates a key; its secret is in the result and nowhere else, ever again. */
export const createApiKeyAction = userAction(createInput, async ({ name, scopes }, user) => {
  const created = await createApiKey(db(), { userId: user.id, name, scopes });
  if (!created.ok) return fail(created.code, created.message);
  return ok({ secret: created.secret, name: created.key.name });
});

export const revokeApiKeyAction = userAction(
  z.object({ id: z.string().regex(/^[a-z0-9]{10,40}$/, "Unknown key.") }),
  async ({ id }, user) => {
    const revoked = await revokeApiKey(db(), { userId: user.id, id });
    return revoked ? ok(undefined) : fail("not_found", "That key was not found or is already revoked.");
  },
);
