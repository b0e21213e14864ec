// `npm run admin -- <command>`: an operator's view of and changes to credit balances.
// Every change goes through the ledger with a reason the user sees on their billing page.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { adjustCredits, describeUser, grantCredits, OperatorError } from "../lib/credits/operator";
import { createDb, type Db } from "../lib/db";
import { operatorDatabaseUrl } from "./cli-database";

export const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  grant  --email <email> --credits <N>  --reason "<why>" [--key <id>]   add N credits (ledger GRANT)
  adjust --email <email> --credits <±N> --reason "<why>" [--key <id>]   add or take credits (ledger ADJUSTMENT)
  show   --email <email> [--limit <N>]                                   balance and recent movements

--key makes a retried command a no-op (the same key never moves credits twice).
Balances never go below zero. Needs DATABASE_URL.`;

type Io = { out: (line: string) => void; err: (line: string) => void };

function wholeNumber(name: string, value: string | undefined): number {
  if (value === undefined || !/^[+-]?\d+$/.test(value.trim()))
    throw new OperatorError(`--${name} must be a whole number.`);
  return Number(value);
}

function required(name: string, value: string | undefined): string {
  if (!value?.trim()) throw new OperatorError(`--${name} is required.`);
  return value;
}

/** `--credits -20` reads as a value, not as an option named "-20" (parseArgs refuses it otherwise). */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const next = argv[i + 1];
    if (arg === "--credits" && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`--credits=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Runs one command; returns the process exit code. */
export async function runAdmin(argv: string[], database: Db, io: Io): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: "string" },
        credits: { type: "string" },
        reason: { type: "string" },
        key: { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    const [command, ...extra] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    if (extra.length) throw new OperatorError(`Unexpected argument: ${extra.join(" ")}`);
    if (command === "grant" || command === "adjust") {
      const input = {
        email: required("email", values.email),
        credits: wholeNumber("credits", values.credits),
        reason: required("reason", values.reason),
        ...(values.key ? { key: values.key } : {}),
      };
      const result = await (command === "grant" ? grantCredits : adjustCredits)(database, input);
      io.out(
        result.applied
          ? `${command === "grant" ? "Granted" : "Adjusted"} ${input.credits > 0 ? "+" : ""}${input.credits} credits for ${result.email}. Balance: ${result.balance}.`
          : `Already applied (${result.key}); nothing changed. Balance after it: ${result.balance}.`,
      );
      return 0;
    }
    if (command === "show") {
      const limit = values.limit ? wholeNumber("limit", values.limit) : 20;
      const user = await describeUser(database, required("email", values.email), Math.min(Math.max(limit, 1), 500));
      io.out(
        `${user.email}: ${user.creditBalance} credits${user.spendingLocked ? " (spending locked: open dispute)" : ""}${user.frozen ? " (frozen by an admin)" : ""}`,
      );
      if (user.movements.length === 0) io.out("No movements.");
      for (const m of user.movements) {
        const amount = m.amount > 0 ? `+${m.amount}` : String(m.amount);
        io.out(
          `${m.createdAt.toISOString()}  ${m.kind.padEnd(10)} ${amount.padStart(7)}  → ${String(m.balanceAfter).padStart(6)}  ${m.reason}`,
        );
      }
      return 0;
    }
    throw new OperatorError(`Unknown command "${command}".`);
  } catch (error) {
    if (error instanceof OperatorError || (error instanceof TypeError && "code" in error)) {
      io.err(`✖ ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const database = createDb(operatorDatabaseUrl(), { max: 2 });
  const code = await runAdmin(process.argv.slice(2), database, { out: console.log, err: console.error }).catch(
    (error: unknown) => {
      console.error("✖ admin command failed:", error instanceof Error ? error.message : error);
      return 1;
    },
  );
  await database.$disconnect();
  process.exit(code);
}
