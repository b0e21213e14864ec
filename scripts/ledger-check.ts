// `npm run ledger:check`: every user's balance must equal the sum of their ledger movements.
// Exits 1 and lists the users where it does not.
import { pathToFileURL } from "node:url";
import { checkLedger } from "../lib/credits/ledger-check";
import { createDb, type Db } from "../lib/db";
import { operatorDatabaseUrl } from "./cli-database";

export async function runLedgerCheck(database: Db, io: { out: (line: string) => void }): Promise<number> {
  const check = await checkLedger(database);
  for (const line of check.lines) io.out(line);
  return check.ok ? 0 : 1;
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
