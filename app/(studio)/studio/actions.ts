"use server";

import { z } from "zod";
import { getAccountSummary } from "@/lib/account";
import { fail, ok, userAction } from "@/lib/action";
import { generationViews } from "@/lib/generations/queries";
import { submitGeneration } from "@/lib/generations/submit";
import type { GenerationView } from "@/lib/generations/view";

// The form's fields are validated by the generation schema inside submitGeneration (one schema
// for every caller); here only the envelope: an object carrying the submission's idempotency key.
const envelope = z.looseObject({ idempotencyKey: z.string().max(200) });

export type GenerateResult = { generation: GenerationView; balance: number };

export const generateAction = userAction(envelope, async ({ idempotencyKey, ...fields }, user) => {
  const result = await submitGeneration({ userId: user.id, input: fields, idempotencyKey });
  if (!result.ok) {
    if (result.code === "invalid_input") return fail(result.code, result.message, result.fields);
    // The balance the refusal saw goes back with it: the page's may be stale (another tab spent it).
    if (result.code === "insufficient_credits") {
      return { ok: false, error: { ...fail(result.code, result.message).error, balance: result.balance } };
    }
    return fail(result.code, result.message);
  }
  const [view] = await generationViews({ userId: user.id, ids: [result.generation.id] });
  if (!view) return fail("internal", "The generation could not be read back. Reload the page.");
  const account = await getAccountSummary({ userId: user.id });
  return ok<GenerateResult>({ generation: view, balance: account.creditBalance });
});
