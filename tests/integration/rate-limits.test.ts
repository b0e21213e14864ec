import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

// Each limit, 50 concurrent requests at once on the real PostgreSQL server (TEST_DATABASE_URL):
// exactly the allowed number gets through, the rest are told when to retry, and nothing is charged
// for them. Actions and routes run for real; only the session lookup (Auth.js reading a cookie) is
// replaced by "who is signed in".

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth", () => ({ currentUser: async () => session.user }));

const { startFakeStripe } = await import("../support/fake-stripe");
const fakeStripe = await startFakeStripe();
afterAll(() => fakeStripe.close());
Object.assign(process.env, {
  STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), "atelier-rate-limits-")),
  AUTH_URL: "http://studio.test",
  STRIPE_SECRET_KEY: "sk_test_limits",
  STRIPE_WEBHOOK_SECRET: "whsec_limits",
  STRIPE_API_BASE: fakeStripe.url,
  RATE_LIMIT_CHECKOUTS_PER_USER: "4/10m",
  RATE_LIMIT_SHARE_IMAGE_PER_IP: "7/1m",
});

const { env } = await import("../../lib/env");
const { hitRateLimit, retryIn } = await import("../../lib/rate-limit/limiter");
const { submitGeneration } = await import("../../lib/generations/submit");
const { buyPack } = await import("../../app/(studio)/billing/actions");
const { GET: shareImage } = await import("../../app/s/[token]/image/[index]/route");
const { createShareLink } = await import("../../lib/history/share");
const { objectStore } = await import("../../lib/storage");
const { peerStamp } = await import("../../lib/http/client-address");
const { createUser, openTestDb } = await import("../support/db");
const { balanceOf, expectLedgerBalanced, newKey, openTestJobs } = await import("../support/generations");
const { insertGeneration, insertImages } = await import("../support/history");

const testDb = await openTestDb({ max: 30 });
const { db } = testDb;
openTestJobs(testDb);

const fifty = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 50 }, (_, i) => f(i)));

describe("the limiter", () => {
  it("lets exactly `limit` of 50 concurrent hits through, each with its own count", async () => {
    const setting = { limit: 3, windowSeconds: 600 };
    const results = await fifty(() => hitRateLimit(db, { name: "test", subject: "one", setting }));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed.map((r) => r.remaining).sort()).toEqual([0, 1, 2]);
    for (const r of results.filter((r) => !r.allowed)) {
      expect(r).toMatchObject({ limit: 3, remaining: 0 });
      expect(r.retryAfterSeconds).toBeGreaterThan(590);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(600);
    }
    // Another subject has its own window.
    expect((await hitRateLimit(db, { name: "test", subject: "two", setting })).allowed).toBe(true);
  });

  it("starts a new window once the old one has ended", async () => {
    const setting = { limit: 1, windowSeconds: 60 };
    expect((await hitRateLimit(db, { name: "window", subject: "s", setting })).allowed).toBe(true);
    expect((await hitRateLimit(db, { name: "window", subject: "s", setting })).allowed).toBe(false);
    await db.$executeRaw`UPDATE "RateLimit" SET "resetAt" = "resetAt" - interval '61 seconds' WHERE "key" LIKE 'window:%'`;
    const fresh = await hitRateLimit(db, { name: "window", subject: "s", setting });
    expect(fresh).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("says when to retry in words", () => {
    expect([1, 45, 60, 61, 420, 7199, 7200, 9000].map(retryIn)).toEqual([
      "in 1 second",
      "in 45 seconds",
      "in 1 minute",
      "in 2 minutes",
      "in 7 minutes",
      "in 120 minutes",
      "in 2 hours",
      "in 3 hours",
    ]);
  });
});

describe("generation submissions", () => {
  const input = { prompt: "a field of poppies", sizePreset: "square", numImages: 1 };

  it("stop at the cap on queued or running generations, charging only those accepted", async () => {
    Object.assign(env(), { GENERATIONS_ACTIVE_PER_USER: 8, RATE_LIMIT_GENERATIONS_PER_USER: null });
    const user = await createUser(db, { credits: 1000 });
    const results = await fifty(() => submitGeneration({ userId: user.id, input, idempotencyKey: newKey() }));
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(42);
    for (const r of refused) {
      expect(r).toMatchObject({
        code: "too_many_active",
        message: "You already have 8 generations queued or running. Try again when one finishes; nothing was charged.",
      });
    }
    expect(await balanceOf(db, user.id)).toBe(1000 - 8 * 4);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(8);
    await expectLedgerBalanced(db);

    // One finishes: one more is accepted.
    const first = results.find((r) => r.ok);
    if (!first?.ok) throw new Error("no accepted submission");
    await db.generation.update({ where: { id: first.generation.id }, data: { status: "COMPLETED" } });
    expect((await submitGeneration({ userId: user.id, input, idempotencyKey: newKey() })).ok).toBe(true);
  });

  it("stop at the per-minute limit, charging only those accepted and saying when to retry", async () => {
    Object.assign(env(), {
      GENERATIONS_ACTIVE_PER_USER: 0,
      RATE_LIMIT_GENERATIONS_PER_USER: { limit: 5, windowSeconds: 60 },
    });
    const user = await createUser(db, { credits: 1000 });
    const results = await fifty(() => submitGeneration({ userId: user.id, input, idempotencyKey: newKey() }));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(45);
    for (const r of refused) {
      expect(r).toMatchObject({ code: "rate_limited" });
      if (r.code !== "rate_limited") continue;
      expect(r.message).toMatch(
        /^You are generating faster than the studio allows\. Try again in (\d+ seconds?|1 minute); nothing was charged\.$/,
      );
      expect(r.retryAfterSeconds).toBeGreaterThan(0);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await balanceOf(db, user.id)).toBe(1000 - 5 * 4);
    await expectLedgerBalanced(db);
  });

  it("do not count a submission refused for lack of credits", async () => {
    Object.assign(env(), {
      GENERATIONS_ACTIVE_PER_USER: 0,
      RATE_LIMIT_GENERATIONS_PER_USER: { limit: 2, windowSeconds: 60 },
    });
    const user = await createUser(db, { credits: 4 });
    const poor = await submitGeneration({
      userId: user.id,
      input: { ...input, numImages: 4 },
      idempotencyKey: newKey(),
    });
    expect(poor).toMatchObject({ ok: false, code: "insufficient_credits" });
    expect((await submitGeneration({ userId: user.id, input, idempotencyKey: newKey() })).ok).toBe(true);
  });
});

describe("checkout sessions", () => {
  it("open at most the limit per user under 50 concurrent requests; the rest open nothing at Stripe", async () => {
    const user = await createUser(db, { email: "buyer@example.com" });
    session.user = { id: user.id, email: user.email ?? "" };
    const form = () => {
      const f = new FormData();
      f.set("packId", "pro");
      return f;
    };
    const outcomes = await fifty(async () => {
      try {
        return await buyPack(null, form());
      } catch (error) {
        // A successful checkout redirects to Stripe (Next's redirect is a throw).
        if (error instanceof Error && error.message === "NEXT_REDIRECT") return "redirected" as const;
        throw error;
      }
    });
    expect(outcomes.filter((o) => o === "redirected")).toHaveLength(4);
    const refused = outcomes.filter((o) => o !== "redirected");
    expect(refused).toHaveLength(46);
    for (const r of refused) {
      expect(r).toEqual({
        ok: false,
        error: {
          code: "rate_limited",
          message: "Too many checkouts opened. Try again in 10 minutes; nothing was charged.",
        },
      });
    }
    expect([...fakeStripe.sessions.values()].filter((s) => s.client_reference_id === user.id)).toHaveLength(4);
    expect(await db.purchase.count({ where: { userId: user.id } })).toBe(4);
  });
});

describe("shared images", () => {
  it("serve at most the limit per client address under 50 concurrent requests, then 429 with Retry-After", async () => {
    const owner = await createUser(db);
    const generation = await insertGeneration(db, owner.id, { numImages: 1 });
    await insertImages(db, generation, 1, objectStore());
    const share = await createShareLink({ userId: owner.id, generationId: generation.id, expiresIn: "never" });
    if (!share.ok) throw new Error("share not created");
    const view = (peer: string, forwardedFor?: string) =>
      shareImage(
        new Request(`http://studio.test/s/${share.token}/image/0`, {
          headers: { ...peerStamp(peer), ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
        }),
        { params: Promise.resolve({ token: share.token, index: "0" }) },
      );
    // A different X-Forwarded-For on each request changes nothing without TRUST_PROXY.
    const responses = await fifty((i) => view("192.0.2.80", `198.51.100.${i}`));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(7);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(43);
    const r = refused[0];
    expect(Number(r?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r?.headers.get("x-ratelimit-limit")).toBe("7");
    expect(await r?.json()).toEqual({
      error: {
        code: "rate_limited",
        message: expect.stringMatching(
          /^Too many shared images viewed from your network\. Try again in (\d+ seconds?|1 minute)\.$/,
        ),
      },
    });
    // Another client address is not affected.
    expect((await view("192.0.2.81")).status).toBe(200);
  });
});
