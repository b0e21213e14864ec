import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

// The admin area's pages and actions, run for real on PostgreSQL. Only the session lookup (Auth.js
// reading a cookie) is replaced by "who is signed in" for the test.

const session = vi.hoisted(() => ({
  user: null as { id: string; email: string } | null,
  /** What the session lookup throws instead (a database outage). */
  failure: null as Error | null,
}));
vi.mock("@/lib/auth", () => ({
  currentUser: async () => {
    if (session.failure) throw session.failure;
    return session.user;
  },
}));

const { startFakeStripe } = await import("../support/fake-stripe");
const fakeStripe = await startFakeStripe();
afterAll(() => fakeStripe.close());
Object.assign(process.env, {
  ADMIN_EMAILS: "Boss@Example.com, second-admin@example.com",
  STRIPE_SECRET_KEY: "sk_test_admin",
  STRIPE_WEBHOOK_SECRET: "whsec_admin",
  STRIPE_API_BASE: fakeStripe.url,
  // Where Checkout sends the buyer back (otherwise read from the request's headers).
  AUTH_URL: "http://studio.test",
});

const actions = await import("../../app/admin/actions");
const { buyPack } = await import("../../app/(studio)/billing/actions");
const { submitGeneration } = await import("../../lib/generations/submit");
const { GENERATION_MESSAGES } = await import("../../lib/generations/messages");
const { PURCHASES_FROZEN } = await import("../../lib/stripe/checkout");
const { findLedgerMismatches } = await import("../../lib/credits/ledger");
const { DatabaseUnavailableError, UNAVAILABLE_MESSAGE } = await import("../../lib/db-unavailable");
const { createUser, openTestDb } = await import("../support/db");
const { newKey, openTestJobs } = await import("../support/generations");

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);

const boss = await createUser(db, { email: "boss@example.com" });
const member = await createUser(db, { email: "member@example.com", credits: 30 });
// A provider without an email shows the account's name in the session: a name that looks like an
// admin's address must not pass.
const impostor = await db.user.create({ data: { name: "boss@example.com" } });

const asAdmin = () => {
  session.user = { id: boss.id, email: "boss@example.com" };
};
const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };
const balance = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).creditBalance;
const generationInput = { prompt: "A lighthouse at dusk", model: "bytedance/seedream-v4-text-to-image", numImages: 1 };

// Every page and layout under app/admin, found on disk so a new page cannot be left out.
function adminRouteFiles(dir = "app/admin"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith("_") ? [] : adminRouteFiles(full);
    return /^(page|layout)\.tsx$/.test(entry.name) ? [full] : [];
  });
}
const routeFiles = adminRouteFiles();
const routeProps = {
  params: Promise.resolve({ id: member.id }),
  searchParams: Promise.resolve({}),
  children: null,
};
async function renderRoute(file: string): Promise<unknown> {
  const module = (await import(/* @vite-ignore */ path.resolve(file))) as {
    default: (props: typeof routeProps) => Promise<unknown>;
  };
  return module.default(routeProps);
}

// One input that satisfies every action's schema, so a refusal cannot come from validation.
const anyActionInput = {
  userId: member.id,
  kind: "grant",
  credits: "25",
  reason: "Trying my luck",
  key: "key-00000001",
  frozen: "true",
};
const actionEntries = Object.entries(actions) as [string, (input: unknown) => Promise<unknown>][];

describe("who gets in", () => {
  it("finds every page and action it must check", () => {
    expect(routeFiles.map((f) => path.relative("app/admin", f)).sort()).toEqual([
      "audit/page.tsx",
      "generations/page.tsx",
      "layout.tsx",
      "ledger/page.tsx",
      "page.tsx",
      "users/[id]/page.tsx",
      "users/page.tsx",
    ]);
    expect(actionEntries.map(([name]) => name).sort()).toEqual([
      "changeCreditsAction",
      "runLedgerCheckAction",
      "setFrozenAction",
      "signOutEverywhereAction",
    ]);
  });

  it.each([
    ["signed out", () => null],
    ["a signed-in user", () => ({ id: member.id, email: "member@example.com" })],
    ["a user whose display name is an admin's email", () => ({ id: impostor.id, email: "boss@example.com" })],
  ])("%s gets 404 on every admin page and action, and nothing changes", async (_who, user) => {
    session.user = user();
    for (const file of routeFiles) {
      await expect(renderRoute(file), file).rejects.toMatchObject(NOT_FOUND);
    }
    for (const [name, action] of actionEntries) {
      await expect(action(anyActionInput), name).rejects.toMatchObject(NOT_FOUND);
    }
    expect(await balance(member.id)).toBe(30);
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).frozen).toBe(false);
    expect(await db.adminAuditEntry.count()).toBe(0);
  });

  it("an admin (listed in any case) gets every page", async () => {
    asAdmin();
    for (const file of routeFiles) {
      await expect(renderRoute(file), file).resolves.toBeTruthy();
    }
  });
});

describe("credits", () => {
  it("a grant lands in the user's ledger and in the audit log, once per form submission", async () => {
    asAdmin();
    const input = { userId: member.id, kind: "grant", credits: "25", reason: "Support: failed batch", key: newKey() };
    expect(await actions.changeCreditsAction(input)).toEqual({ ok: true, data: { applied: true, balance: 55 } });
    expect(await actions.changeCreditsAction(input)).toEqual({ ok: true, data: { applied: false, balance: 55 } });

    const movements = await db.creditMovement.findMany({ where: { userId: member.id, kind: "GRANT", amount: 25 } });
    expect(movements).toHaveLength(1);
    expect(movements[0]).toMatchObject({ reason: "Support: failed batch", balanceAfter: 55 });
    expect(movements[0]?.idempotencyKey).toBe(`operator:admin:${input.key}`);

    const audit = await db.adminAuditEntry.findMany({ where: { action: "credits.grant" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: boss.id,
      actorEmail: "boss@example.com",
      targetUserId: member.id,
      targetEmail: "member@example.com",
      reason: "Support: failed batch",
      details: { credits: 25, balanceAfter: 55 },
    });
    expect(await findLedgerMismatches(db)).toEqual([]);
  });

  it("answers 'unavailable' when the session cannot be looked up, not a 404, and changes nothing", async () => {
    asAdmin();
    const before = await balance(member.id);
    session.failure = new DatabaseUnavailableError(new Error("connect ECONNREFUSED"));
    try {
      const input = { userId: member.id, kind: "grant", credits: "5", reason: "During an outage", key: newKey() };
      expect(await actions.changeCreditsAction(input)).toEqual({
        ok: false,
        error: { code: "unavailable", message: UNAVAILABLE_MESSAGE },
      });
    } finally {
      session.failure = null;
    }
    expect(await balance(member.id)).toBe(before);
    expect(await db.adminAuditEntry.count({ where: { reason: "During an outage" } })).toBe(0);
  });

  it("refuses a change without a reason, a grant that takes, and an adjustment below zero — none audited", async () => {
    asAdmin();
    const before = await db.adminAuditEntry.count();
    const base = { userId: member.id, key: newKey() };
    expect(await actions.changeCreditsAction({ ...base, kind: "grant", credits: "5", reason: "  " })).toMatchObject({
      ok: false,
      error: { code: "invalid_input", fields: { reason: expect.stringContaining("reason is required") } },
    });
    expect(await actions.changeCreditsAction({ ...base, kind: "grant", credits: "-5", reason: "x" })).toMatchObject({
      ok: false,
      error: { code: "refused", message: expect.stringContaining("use `adjust`") },
    });
    expect(
      await actions.changeCreditsAction({ ...base, kind: "adjust", credits: "-1000", reason: "Too much" }),
    ).toMatchObject({ ok: false, error: { code: "refused", message: expect.stringContaining("negative") } });
    expect(await balance(member.id)).toBe(55);
    expect(await db.adminAuditEntry.count()).toBe(before);

    expect(
      await actions.changeCreditsAction({ ...base, kind: "adjust", credits: "-5", reason: "Duplicate grant" }),
    ).toEqual({ ok: true, data: { applied: true, balance: 50 } });
    expect(await db.adminAuditEntry.count({ where: { action: "credits.adjust", targetUserId: member.id } })).toBe(1);
  });
});

describe("freezing", () => {
  it("blocks generating and buying with a clear message until unfrozen, and is audited both ways", async () => {
    const user = await createUser(db, { email: "frozen@example.com", credits: 40 });
    asAdmin();
    expect(await actions.setFrozenAction({ userId: user.id, frozen: "true", reason: "Chargeback fraud" })).toEqual({
      ok: true,
      data: { frozen: true, changed: true },
    });

    const refused = await submitGeneration({ userId: user.id, input: generationInput, idempotencyKey: newKey() });
    expect(refused).toEqual({ ok: false, code: "account_frozen", message: GENERATION_MESSAGES.accountFrozen });
    expect(GENERATION_MESSAGES.accountFrozen).toMatch(/paused on your account by the studio's operator/);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);

    session.user = { id: user.id, email: "frozen@example.com" };
    const form = new FormData();
    form.set("packId", "starter");
    expect(await buyPack(null, form)).toEqual({
      ok: false,
      error: { code: "account_frozen", message: PURCHASES_FROZEN },
    });
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(0);
    expect(await balance(user.id)).toBe(40);

    asAdmin();
    expect(await actions.setFrozenAction({ userId: user.id, frozen: "false", reason: "Cleared" })).toMatchObject({
      ok: true,
      data: { frozen: false, changed: true },
    });
    const accepted = await submitGeneration({ userId: user.id, input: generationInput, idempotencyKey: newKey() });
    expect(accepted).toMatchObject({ ok: true, created: true });
    session.user = { id: user.id, email: "frozen@example.com" };
    await expect(buyPack(null, form)).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(1);

    const audit = await db.adminAuditEntry.findMany({
      where: { targetUserId: user.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["user.freeze", "Chargeback fraud"],
      ["user.unfreeze", "Cleared"],
    ]);
  });

  it("records nothing when the flag is already as asked", async () => {
    const user = await createUser(db);
    asAdmin();
    expect(await actions.setFrozenAction({ userId: user.id, frozen: "false", reason: "noop" })).toMatchObject({
      data: { changed: false },
    });
    expect(await db.adminAuditEntry.count({ where: { targetUserId: user.id } })).toBe(0);
  });
});

describe("signing a user out everywhere", () => {
  it("deletes every database session of that user only", async () => {
    const user = await createUser(db);
    const expires = new Date(Date.now() + 86_400_000);
    await db.session.createMany({
      data: [
        { sessionToken: `t-${newKey()}`, userId: user.id, expires },
        { sessionToken: `t-${newKey()}`, userId: user.id, expires },
        { sessionToken: `t-${newKey()}`, userId: member.id, expires },
      ],
    });
    asAdmin();
    expect(await actions.signOutEverywhereAction({ userId: user.id, reason: "Lost laptop" })).toEqual({
      ok: true,
      data: { sessions: 2 },
    });
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: member.id } })).toBe(1);
    expect(
      await db.adminAuditEntry.findFirst({ where: { targetUserId: user.id, action: "user.sign_out" } }),
    ).toMatchObject({ reason: "Lost laptop", details: { sessions: 2 } });
  });
});

describe("the ledger check button", () => {
  it("reports what npm run ledger:check reports, and is audited", async () => {
    asAdmin();
    const clean = await actions.runLedgerCheckAction({});
    expect(clean).toMatchObject({
      ok: true,
      data: { ok: true, lines: [expect.stringMatching(/^Ledger OK: \d+ users/)] },
    });

    const user = await createUser(db, { email: "broken@example.com", credits: 12 });
    await db.$executeRaw`UPDATE "User" SET "creditBalance" = 99 WHERE "id" = ${user.id}`;
    const broken = await actions.runLedgerCheckAction({});
    await db.$executeRaw`UPDATE "User" SET "creditBalance" = 12 WHERE "id" = ${user.id}`;
    expect(broken).toMatchObject({ ok: true, data: { ok: false } });
    expect(broken.ok && broken.data.lines.join("\n")).toContain(
      `broken@example.com [${user.id}]: balance 99, movements sum 12`,
    );
    expect(await db.adminAuditEntry.count({ where: { action: "ledger.check" } })).toBe(2);
  });
});

describe("the audit log", () => {
  it("is append-only: the database refuses UPDATE, DELETE and TRUNCATE", async () => {
    const entry = await db.adminAuditEntry.findFirstOrThrow();
    await expect(db.adminAuditEntry.update({ where: { id: entry.id }, data: { reason: "edited" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.adminAuditEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AdminAuditEntry"`)).rejects.toThrow(/append-only/);
    expect(await db.adminAuditEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
  });
});
