import type { Db } from "@/lib/db";
import { findLedgerMismatches, type LedgerMismatch } from "./ledger";

// The ledger verification behind `npm run ledger:check` and the admin area's button: one check,
// one wording. Plain module, no "server-only": the script loads it.

export type LedgerCheck = { ok: boolean; users: number; mismatches: LedgerMismatch[]; lines: string[] };

/** Every balance must equal the sum of its movements; `lines` says so or lists the users where it does not. */
export async function checkLedger(database: Db): Promise<LedgerCheck> {
  const mismatches = await findLedgerMismatches(database);
  const users = await database.user.count();
  if (mismatches.length === 0) {
    return {
      ok: true,
      users,
      mismatches,
      lines: [`Ledger OK: ${users} user${users === 1 ? "" : "s"}, every balance equals the sum of its movements.`],
    };
  }
  return {
    ok: false,
    users,
    mismatches,
    lines: [
      `Ledger MISMATCH for ${mismatches.length} of ${users} users:`,
      ...mismatches.map(
        (m) => `  ${m.email ?? "(no email)"} [${m.userId}]: balance ${m.balance}, movements sum ${m.ledgerSum}`,
      ),
    ],
  };
}
