import { type Db, db } from "@/lib/db";
import { checkRateLimit, type RateLimitRefusal } from "@/lib/rate-limit/policies";

// Sign-in emails are limited per client address and per recipient, before Auth.js makes a token or
// sends anything. Both ways in check here: the sign-in form's action and POST /api/auth/signin/email.

/** The address as Auth.js keys its tokens (its default normaliser), so case or spacing cannot dodge the limit. */
export function normalizeSignInEmail(email: string): string {
  const trimmed = email.normalize("NFKC").toLowerCase().trim();
  const [local = "", domain = ""] = trimmed.split("@");
  return `${local}@${domain.split(",")[0] ?? ""}`;
}

/** Counts one sign-in email for this client and address; the refusal when either is over its limit. */
export async function signInEmailRefusal({
  email,
  clientAddress,
  database = db(),
}: {
  email: string;
  clientAddress: string | null;
  database?: Db;
}): Promise<RateLimitRefusal | null> {
  return (
    (await checkRateLimit(database, "signInEmailPerIp", clientAddress)) ??
    (await checkRateLimit(database, "signInEmailPerAddress", normalizeSignInEmail(email)))
  );
}
