// The operator commands (npm run admin, npm run ledger:check) against a real database.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findLedgerMismatches } from "@/lib/credits/ledger";
import { runAdmin } from "../../scripts/admin";
import { runLedgerCheck } from "../../scripts/ledger-check";
import { createUser, openTestDb } from "../support/db";

const { db } = await openTestDb();

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, db, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const balance = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).creditBalance;

describe("npm run admin", () => {
  it("grants credits with a reason recorded in the ledger", async () => {
    const user = await createUser(db, { credits: 10 });
    const result = await admin("grant", "--email", user.email ?? "", "--credits", "50", "--reason", "Support: sorry");
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining("Balance: 60") });
    const movement = await db.creditMovement.findFirstOrThrow({
      where: { userId: user.id, kind: "GRANT", amount: 50 },
    });
    expect(movement).toMatchObject({ reason: "Support: sorry", balanceAfter: 60 });
    expect(movement.idempotencyKey).toMatch(/^operator:/);
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("adjusts down, refuses to go below zero, and a repeated --key changes nothing", async () => {
    const user = await createUser(db, { credits: 30 });
    const email = (user.email ?? "").toUpperCase();
    expect(
      (await admin("adjust", "--email", email, "--credits", "-20", "--reason", "Duplicate grant", "--key", "t1")).code,
    ).toBe(0);
    const again = await admin(
      "adjust",
      "--email",
      email,
      "--credits",
      "-20",
      "--reason",
      "Duplicate grant",
      "--key",
      "t1",
    );
    expect(again).toMatchObject({ code: 0, out: expect.stringContaining("Already applied") });
    expect(await balance(user.id)).toBe(10);
    const tooMuch = await admin("adjust", "--email", email, "--credits", "-11", "--reason", "Oops");
    expect(tooMuch).toMatchObject({ code: 2, err: expect.stringContaining("would make it negative") });
    expect(await balance(user.id)).toBe(10);
    expect(await db.creditMovement.count({ where: { userId: user.id, kind: "ADJUSTMENT" } })).toBe(1);
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("refuses a change without a reason, a bad number, an unknown user or command, with usage", async () => {
    const user = await createUser(db);
    const email = user.email ?? "";
    const cases = [
      ["grant", "--email", email, "--credits", "5"],
      ["grant", "--email", email, "--credits", "5", "--reason", "   "],
      ["grant", "--email", email, "--credits", "five", "--reason", "x"],
      ["grant", "--email", email, "--credits", "-5", "--reason", "x"],
      ["adjust", "--email", email, "--credits", "0", "--reason", "x"],
      ["grant", "--email", "nobody@example.com", "--credits", "5", "--reason", "x"],
      ["frobnicate"],
      ["grant", "--bogus"],
    ];
    for (const argv of cases) {
      const result = await admin(...argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.err).toContain("Usage: npm run admin");
    }
    expect(await balance(user.id)).toBe(0);
  });

  it("shows a user's balance and recent movements", async () => {
    const user = await createUser(db, { credits: 40 });
    await admin("adjust", "--email", user.email ?? "", "--credits", "5", "--reason", "Bonus for feedback");
    const result = await admin("show", "--email", user.email ?? "");
    expect(result.code).toBe(0);
    expect(result.out).toContain(`${user.email}: 45 credits`);
    expect(result.out).toMatch(/ADJUSTMENT\s+\+5\s+→\s+45\s+Bonus for feedback/);
    expect(result.out).toMatch(/GRANT\s+\+40\s+→\s+40\s+Test grant/);
  });
});

describe("npm run ledger:check", () => {
  it("passes when balances match their movements and lists the users that do not", async () => {
    const lines: string[] = [];
    expect(await runLedgerCheck(db, { out: (l) => lines.push(l) })).toBe(0);
    const user = await createUser(db, { credits: 12 });
    // Corrupt a balance behind the ledger's back, as a buggy write would.
    await db.$executeRaw`UPDATE "User" SET "creditBalance" = 99 WHERE "id" = ${user.id}`;
    lines.length = 0;
    expect(await runLedgerCheck(db, { out: (l) => lines.push(l) })).toBe(1);
    expect(lines.join("\n")).toContain(`${user.email} [${user.id}]: balance 99, movements sum 12`);
    await db.$executeRaw`UPDATE "User" SET "creditBalance" = 12 WHERE "id" = ${user.id}`;
  });
});

describe("the scripts under tsx", () => {
  it("load without server-only modules and print usage", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/admin.ts", "--help"], {
      env: { ...process.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" },
    });
    expect(stdout).toContain("Usage: npm run admin");
  });
});
