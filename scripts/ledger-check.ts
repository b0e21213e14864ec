// `npm run ledger:check`: every user's balance must equal the sum of their ledger movements.
// Exits 1 and lists the users where it does not.
import { pathToFileURL } from "node:url";
import { findLedgerMismatches } from "../lib/credits/ledger";
import { createDb, type Db } from "../lib/db";
import { operatorDatabaseUrl } from "./cli-database";

export async function runLedgerCheck(database: Db, io: { out: (line: string) => void }): Promise<number> {
  const mismatches = await findLedgerMismatches(database);
  const users = await database.user.count();
  if (mismatches.length === 0) {
    io.out(`Ledger OK: ${users} user${users === 1 ? "" : "s"}, every balance equals the sum of its movements.`);
    return 0;
  }
  io.out(`Ledger MISMATCH for ${mismatches.length} of ${users} users:`);
  for (const m of mismatches) {
    io.out(`  ${m.email ?? "(no email)"} [${m.userId}]: balance ${m.balance}, movements sum ${m.ledgerSum}`);
  }
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const database = createDb(operatorDatabaseUrl(), { max: 2 });
  const code = await runLedgerCheck(database, { out: console.log }).catch((error: unknown) => {
    console.error("✖ ledger check failed:", error instanceof Error ? error.message : error);
    return 1;
  });
  await database.$disconnect();
  process.exit(code);
}
