import { applyMovement } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";

/** The one-time welcome credits; the key makes a second call a no-op. */
export async function grantSignupCredits(database: Db, userId: string): Promise<void> {
  const amount = env().SIGNUP_GRANT_CREDITS;
  if (amount <= 0) return;
  await applyMovement(database, {
    userId,
    kind: "GRANT",
    amount,
    idempotencyKey: `signup-grant:${userId}`,
    reason: "Welcome credits",
  });
}
