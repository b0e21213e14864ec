// Checkout creation with the real `stripe` SDK against the local Stripe-compatible server.
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { CREDIT_PACKS, findPack } from "@/lib/pricing";
import { startCheckout } from "@/lib/stripe/checkout";
import { stripeClient, stripeOptions } from "@/lib/stripe/client";
import { createUser, openTestDb } from "../support/db";
import { startFakeStripe } from "../support/fake-stripe";

const fake = await startFakeStripe();
const { db } = await openTestDb({ max: 20 });
afterAll(() => fake.close());

const config = parseEnv({
  ...process.env,
  STRIPE_SECRET_KEY: "sk_test_checkout",
  STRIPE_WEBHOOK_SECRET: "whsec_checkout",
  STRIPE_API_BASE: fake.url,
});
const stripe = stripeClient(config) ?? expect.unreachable("stripe configured");
const pro = findPack("pro") ?? expect.unreachable("pro pack");
const origin = "http://studio.test";

describe("stripe client", () => {
  it("points the SDK at STRIPE_API_BASE and pins the SDK's API version", () => {
    expect(stripeOptions(config)).toMatchObject({
      host: "127.0.0.1",
      port: String(fake.port),
      protocol: "http",
      apiVersion: Stripe.API_VERSION,
    });
    expect(stripeOptions(parseEnv({ ...process.env, STRIPE_API_BASE: "" }))).not.toHaveProperty("host");
  });

  it("is absent without keys, so billing can say payments are not configured", () => {
    expect(stripeClient(parseEnv({ ...process.env, STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "" }))).toBeNull();
  });
});

describe("startCheckout", () => {
  it("opens a payment session priced from the pack config for a pending purchase", async () => {
    const user = await createUser(db);
    const result = await startCheckout({ database: db, stripe, userId: user.id, pack: pro, origin });

    const session = fake.sessions.get(result.sessionId) ?? expect.unreachable("session");
    expect(result.url).toBe(`${fake.url}/checkout/${result.sessionId}`);
    expect(session).toMatchObject({
      mode: "payment",
      amount_total: pro.amountCents,
      currency: "usd",
      client_reference_id: user.id,
      metadata: { purchaseId: result.purchaseId, userId: user.id, packId: "pro" },
      success_url: `${origin}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${origin}/billing/cancel?session_id={CHECKOUT_SESSION_ID}`,
    });
    const purchase = await db.purchase.findUniqueOrThrow({ where: { id: result.purchaseId } });
    expect(purchase).toMatchObject({
      userId: user.id,
      packId: "pro",
      credits: pro.credits,
      amountCents: pro.amountCents,
      currency: "usd",
      status: "PENDING",
      stripeCheckoutSessionId: result.sessionId,
    });
    const sessionRequest = fake.requests.find(
      (r) => r.path === "/v1/checkout/sessions" && r.idempotencyKey === `checkout:${result.purchaseId}`,
    );
    expect(sessionRequest).toBeDefined();
  });

  it("creates the user's Stripe customer once and reuses it", async () => {
    const user = await createUser(db);
    const first = await startCheckout({ database: db, stripe, userId: user.id, pack: pro, origin });
    const second = await startCheckout({ database: db, stripe, userId: user.id, pack: pro, origin });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.stripeCustomerId).toMatch(/^cus_/);
    expect(fake.sessions.get(first.sessionId)?.customer).toBe(stored.stripeCustomerId);
    expect(fake.sessions.get(second.sessionId)?.customer).toBe(stored.stripeCustomerId);
    expect([...fake.customers.values()].filter((c) => c.metadata.userId === user.id)).toHaveLength(1);
  });

  it("creates one customer when two tabs start checkout at the same moment", async () => {
    const user = await createUser(db);
    const results = await Promise.all(
      CREDIT_PACKS.map((pack) => startCheckout({ database: db, stripe, userId: user.id, pack, origin })),
    );
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect([...fake.customers.values()].filter((c) => c.metadata.userId === user.id)).toHaveLength(1);
    for (const result of results) expect(fake.sessions.get(result.sessionId)?.customer).toBe(stored.stripeCustomerId);
    const keys = fake.requests.filter((r) => r.path === "/v1/customers").map((r) => r.idempotencyKey);
    expect(keys.filter((k) => k === `customer:${user.id}`).length).toBeGreaterThanOrEqual(1);
  });

  it("replaces a stored customer Stripe does not know (e.g. made with test keys before going live)", async () => {
    const user = await createUser(db);
    await db.user.update({ where: { id: user.id }, data: { stripeCustomerId: "cus_from_another_account" } });
    const result = await startCheckout({ database: db, stripe, userId: user.id, pack: pro, origin });

    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.stripeCustomerId).not.toBe("cus_from_another_account");
    expect(fake.customers.get(stored.stripeCustomerId ?? "")?.metadata.userId).toBe(user.id);
    expect(fake.sessions.get(result.sessionId)?.customer).toBe(stored.stripeCustomerId);
    const purchases = await db.purchase.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(purchases.map((p) => p.status)).toEqual(["FAILED", "PENDING"]);
    expect(purchases[1]?.id).toBe(result.purchaseId);
  });

  it("closes the purchase as failed when Stripe cannot open a session", async () => {
    const user = await createUser(db);
    const down = new Stripe("sk_test_down", {
      ...stripeOptions(config),
      port: 9, // discard: nothing listens
      maxNetworkRetries: 0,
    });
    await db.user.update({ where: { id: user.id }, data: { stripeCustomerId: `cus_preset_${user.id}` } });
    await expect(startCheckout({ database: db, stripe: down, userId: user.id, pack: pro, origin })).rejects.toThrow();
    const purchase = await db.purchase.findFirstOrThrow({ where: { userId: user.id } });
    expect(purchase.status).toBe("FAILED");
  });
});
