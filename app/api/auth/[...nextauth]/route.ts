import type { NextRequest } from "next/server";
import { z } from "zod";
import { handlers } from "@/lib/auth";
import { signInEmailRefusal } from "@/lib/auth/sign-in-limits";
import { env } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { tooManyRequests } from "@/lib/rate-limit/response";
import { route } from "@/lib/route";

// Auth.js answers its own protocol (redirects, its session JSON); the wrapper adds the one error
// body and the 503 for an outage around it.
export const GET = route({ auth: "public" }, ({ request }) => handlers.GET(request as NextRequest));

const emailBody = z.object({ email: z.string().trim().min(1) });

/** The address asked for, read from a copy of the body the way Auth.js reads it (JSON or form). */
async function requestedEmail(request: Request): Promise<string | null> {
  const type = request.headers.get("content-type") ?? "";
  const copy = request.clone();
  let body: unknown = null;
  if (type.includes("application/json")) body = await copy.json().catch(() => null);
  else if (type.includes("application/x-www-form-urlencoded")) {
    body = Object.fromEntries(new URLSearchParams(await copy.text().catch(() => "")));
  }
  const parsed = emailBody.safeParse(body);
  return parsed.success ? parsed.data.email : null;
}

// Sign-in emails asked for over HTTP (not through the sign-in form's action) meet the same limits.
export const POST = route({ auth: "public" }, async ({ request }) => {
  if (new URL(request.url).pathname.endsWith("/signin/email")) {
    const email = await requestedEmail(request);
    if (email) {
      const refusal = await signInEmailRefusal({
        email,
        clientAddress: clientAddress(request.headers, env().TRUST_PROXY),
      });
      if (refusal) return tooManyRequests(refusal.result, refusal.message);
    }
  }
  return handlers.POST(request as NextRequest);
});
