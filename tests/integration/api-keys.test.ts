import { describe, expect, it } from "vitest";
import {
  apiKeyNameSchema,
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  MAX_ACTIVE_KEYS,
  revokeApiKey,
} from "../../lib/api-keys/keys";
import { createUser, openTestDb } from "../support/db";

const { db } = await openTestDb({ max: 20 });

describe("API keys", () => {
  it("shows the secret once and stores only its hash", async () => {
    const user = await createUser(db);
    const created = await createApiKey(db, { userId: user.id, name: "script", scopes: ["generate", "read"] });
    if (!created.ok) throw new Error(created.message);
    expect(created.secret).toMatch(/^atl_[A-Za-z0-9_-]{43}$/);
    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "ApiKey" WHERE "userId" = ${user.id}`;
    expect(JSON.stringify(rows)).not.toContain(created.secret.slice(4));
    expect(rows[0]?.prefix).toBe(created.secret.slice(4, 12));
    const [listed] = await listApiKeys(db, { userId: user.id });
    expect(listed).toMatchObject({ name: "script", scopes: ["generate", "read"], lastUsedAt: null, revokedAt: null });
  });

  it("authenticates the exact secret only, records its last use, and stops at once when revoked", async () => {
    const user = await createUser(db);
    const created = await createApiKey(db, { userId: user.id, name: "a", scopes: ["read"] });
    if (!created.ok) throw new Error(created.message);
    const caller = await authenticateApiKey(db, created.secret);
    expect(caller).toEqual({ userId: user.id, keyId: created.key.id, scopes: ["read"] });
    expect((await listApiKeys(db, { userId: user.id }))[0]?.lastUsedAt).not.toBeNull();
    // Same prefix, different rest: found by prefix, refused by the hash compare.
    const lastChar = created.secret.at(-1) === "A" ? "B" : "A";
    expect(await authenticateApiKey(db, `${created.secret.slice(0, -1)}${lastChar}`)).toBeNull();
    expect(await authenticateApiKey(db, created.secret.toUpperCase())).toBeNull();
    expect(await authenticateApiKey(db, "")).toBeNull();

    const stranger = await createUser(db);
    expect(await revokeApiKey(db, { userId: stranger.id, id: created.key.id })).toBe(false);
    expect(await authenticateApiKey(db, created.secret)).not.toBeNull();
    expect(await revokeApiKey(db, { userId: user.id, id: created.key.id })).toBe(true);
    expect(await authenticateApiKey(db, created.secret)).toBeNull();
    expect(await revokeApiKey(db, { userId: user.id, id: created.key.id })).toBe(false);
  });

  it(`allows at most ${MAX_ACTIVE_KEYS} active keys, even when created all at once`, async () => {
    const user = await createUser(db);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => createApiKey(db, { userId: user.id, name: `k${i}`, scopes: ["read"] })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_ACTIVE_KEYS);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: "too_many_keys" });
    const first = results.find((r) => r.ok);
    if (!first?.ok) throw new Error("no key");
    await revokeApiKey(db, { userId: user.id, id: first.key.id });
    expect((await createApiKey(db, { userId: user.id, name: "again", scopes: ["read"] })).ok).toBe(true);
  });

  it("names are required, short and free of control characters", () => {
    expect(apiKeyNameSchema.safeParse("  ").success).toBe(false);
    expect(apiKeyNameSchema.safeParse("a".repeat(61)).success).toBe(false);
    expect(apiKeyNameSchema.safeParse("bad\u0000name").success).toBe(false);
    expect(apiKeyNameSchema.safeParse(" my script ").data).toBe("my script");
  });
});
