"use server";

import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { z } from "zod";
import { type ActionResult, fail } from "@/lib/action";
import { signIn } from "@/lib/auth";
import { oauthChoices } from "@/lib/auth/providers";
import { signInEmailRefusal } from "@/lib/auth/sign-in-limits";
import { env } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { log } from "@/lib/log";

// Only paths on this site: an absolute URL here would make sign-in an open redirect.
const callbackUrl = z
  .string()
  .optional()
  .transform((v) => (v && /^\/(?!\/)/.test(v) ? v : "/studio"));

const emailForm = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address, like you@example.com.")),
  callbackUrl,
});

// These run before anyone is signed in, so they validate here rather than through userAction.
export async function requestMagicLink(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const parsed = emailForm.safeParse({
    email: formData.get("email") ?? "",
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Enter a valid email address.";
    return fail("invalid_input", message, { email: message });
  }
  const refusal = await signInEmailRefusal({
    email: parsed.data.email,
    clientAddress: clientAddress(await headers(), env().TRUST_PROXY),
  });
  if (refusal) return fail("rate_limited", refusal.message);
  try {
    await signIn("email", { email: parsed.data.email, redirectTo: parsed.data.callbackUrl });
  } catch (error) {
    if (error instanceof AuthError) {
      // The error's message can quote the address: log its kind only.
      log.error("magic link failed", { errorType: error.type, cause: error.cause?.err?.name ?? null });
      return fail("send_failed", "We could not send the sign-in link just now. Please try again in a minute.");
    }
    throw error; // the redirect to the "check your email" page
  }
  return { ok: true, data: undefined };
}

const oauthForm = z.object({ provider: z.string(), callbackUrl });

export async function signInWith(formData: FormData): Promise<void> {
  const parsed = oauthForm.safeParse({
    provider: formData.get("provider"),
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  if (!parsed.success || !oauthChoices().some((c) => c.id === parsed.data.provider)) return;
  await signIn(parsed.data.provider, { redirectTo: parsed.data.callbackUrl });
}
