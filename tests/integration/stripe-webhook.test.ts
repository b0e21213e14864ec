// The webhook route end to end: real route handler, real SDK verification and re-reads against
// the local Stripe-compatible server, real PostgreSQL.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { applyMovement, findLedgerMismatches } from "@/lib/credits/ledger";
import { findPack } from "@/lib/pricing";
import { createUser, openTestDb } from "../support/db";
import { startFakeStripe } from "../support/fake-stripe";
import { stripeEvent, webhookRequest } from "../support/stripe-webhooks";

const SECRET = "whsec_webhook_test";
const fake = await startFakeStripe();
// Set before anything reads lib/env (it caches its first read).
Object.assign(process.env, {
  STRIPE_SECRET_KEY: "sk_test_webhook",
  STRIPE_WEBHOOK_SECRET: SECRET,
  STRIPE_API_BASE: fake.url,
});
const { db } = await openTestDb({ max: 20 });
const { POST } = await import("@/app/api/stripe/webhook/route");
const { startCheckout } = await import("@/lib/stripe/checkout");
const { requireStripe } = await import("@/lib/stripe/client");

afterAll(() => fake.close());
afterEach(async () => {
  expect(await findLedgerMismatches(db)).toEqual([]);
});

const URL = "http://studio.test/api/stripe/webhook";
const starter = findPack("starter") ?? expect.unreachable("starter pack");

async function post(request: Request) {
  const response = await POST(request);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function deliver(type: string, object: unknown, id?: string) {
  return post(webhookRequest(URL, JSON.stringify(stripeEvent(type, object, id)), { secret: SECRET }));
}

async function buy(packId = "starter", existing?: { id: string }) {
  const user = existing ?? (await createUser(db));
  const pack = findPack(packId) ?? expect.unreachable(packId);
  const checkout = await startCheckout({
    database: db,
    stripe: requireStripe(),
    userId: user.id,
    pack,
    origin: "http://studio.test",
  });
  return { user, ...checkout };
}

const session = (id: string) => fake.sessions.get(id) ?? expect.unreachable(`session ${id}`);
const balance = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { creditBalance: true } })).creditBalance;
const purchaseOf = (id: string) => db.purchase.findUniqueOrThrow({ where: { id } });
const movements = (userId: string) => db.creditMovement.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
const eventCount = async () => db.stripeEvent.count();

describe("signature verification", () => {
  it("refuses a tampered payload, a stale or foreign signature and a missing one, writing nothing", async () => {
    const { user, sessionId } = await buy();
    fake.completeSession(sessionId);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", session(sessionId)));
    const before = await eventCount();

    const tampered = webhookRequest(URL, payload.replace('"livemode":false', '"livemode":true '), {
      signature: webhookRequest(URL, payload, { secret: SECRET }).headers.get("stripe-signature"),
    });
    const stale = webhookRequest(URL, payload, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const foreign = webhookRequest(URL, payload, { secret: "whsec_someone_else" });
    const missing = webhookRequest(URL, payload, { signature: null });
    const garbage = webhookRequest(URL, payload, { signature: "t=1,v1=nope" });

    for (const request of [tampered, stale, foreign, missing, garbage]) {
      expect((await post(request)).status).toBe(400);
    }
    expect(await eventCount()).toBe(before);
    expect(await balance(user.id)).toBe(0);
    expect((await purchaseOf((await db.purchase.findFirstOrThrow({ where: { userId: user.id } })).id)).status).toBe(
      "PENDING",
    );
  });

  it("refuses signatures dated more than 5 minutes in the past or the future, and takes those within", async () => {
    const { user, sessionId } = await buy();
    fake.completeSession(sessionId);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", session(sessionId)));
    const now = Math.floor(Date.now() / 1000);
    const before = await eventCount();
    for (const offset of [-301 - 5, 301 + 5, 3600, 86_400 * 365]) {
      const response = await post(webhookRequest(URL, payload, { secret: SECRET, timestamp: now + offset }));
      expect(response, `offset ${offset}`).toMatchObject({
        status: 400,
        body: { error: { code: "invalid_signature" } },
      });
    }
    expect(await eventCount()).toBe(before);
    expect(await balance(user.id)).toBe(0);

    const slightlyAhead = await post(webhookRequest(URL, payload, { secret: SECRET, timestamp: now + 240 }));
    expect(slightlyAhead).toMatchObject({ status: 200, body: { status: "processed" } });
    expect(await balance(user.id)).toBe(starter.credits);
  });

  it("acknowledges event types outside the allowlist without recording them", async () => {
    const result = await deliver("customer.created", { id: "cus_x", object: "customer" });
    expect(result).toMatchObject({ status: 200, body: { status: "ignored" } });
    expect(await db.stripeEvent.count({ where: { type: "customer.created" } })).toBe(0);
  });
});

describe("checkout.session.completed", () => {
  it("credits a paid session once, with a receipt, and records the event", async () => {
    const { user, purchaseId, sessionId } = await buy();
    fake.completeSession(sessionId);
    const event = stripeEvent("checkout.session.completed", session(sessionId));
    const payload = JSON.stringify(event);

    const first = await post(webhookRequest(URL, payload, { secret: SECRET }));
    expect(first).toMatchObject({ status: 200, body: { status: "processed", detail: "credited" } });
    const replay = await post(webhookRequest(URL, payload, { secret: SECRET }));
    expect(replay).toMatchObject({ status: 200, body: { status: "duplicate" } });

    expect(await balance(user.id)).toBe(starter.credits);
    const purchase = await purchaseOf(purchaseId);
    expect(purchase).toMatchObject({ status: "PAID", stripeCheckoutSessionId: sessionId });
    expect(purchase.paidAt).toBeInstanceOf(Date);
    expect(purchase.receiptUrl).toMatch(/\/receipts\/ch_/);
    expect(purchase.stripePaymentIntentId).toMatch(/^pi_/);
    const [movement] = await movements(user.id);
    expect(movement).toMatchObject({
      kind: "PURCHASE",
      amount: starter.credits,
      balanceAfter: starter.credits,
      idempotencyKey: `purchase:${purchaseId}`,
      purchaseId,
    });
    expect(await db.stripeEvent.findUnique({ where: { id: event.id } })).toMatchObject({
      type: "checkout.session.completed",
    });
  });

  it("trusts Stripe, not the payload: a payload claiming paid for an unpaid session credits nothing", async () => {
    const { user, purchaseId, sessionId } = await buy();
    const lie = { ...session(sessionId), status: "complete", payment_status: "paid" };
    const result = await deliver("checkout.session.completed", lie);
    expect(result.body).toMatchObject({ status: "processed", detail: "not paid yet" });
    expect(await balance(user.id)).toBe(0);
    expect((await purchaseOf(purchaseId)).status).toBe("PENDING");
  });

  it("credits once when the same event arrives several times at once", async () => {
    const { user, sessionId } = await buy("studio");
    fake.completeSession(sessionId);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", session(sessionId)));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => post(webhookRequest(URL, payload, { secret: SECRET }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.status === "processed")).toHaveLength(1);
    expect(await balance(user.id)).toBe(500);
    expect(await db.creditMovement.count({ where: { userId: user.id } })).toBe(1);
  });

  it("credits once when completed and async_payment_succeeded race for the same session", async () => {
    const { user, sessionId } = await buy();
    fake.completeSession(sessionId);
    const results = await Promise.all([
      deliver("checkout.session.completed", session(sessionId)),
      deliver("checkout.session.async_payment_succeeded", session(sessionId)),
      deliver("checkout.session.completed", session(sessionId)),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await balance(user.id)).toBe(starter.credits);
    expect(await db.creditMovement.count({ where: { userId: user.id } })).toBe(1);
  });

  it("ignores a session that is not one of ours but records the event", async () => {
    const stripe = requireStripe();
    const foreign = await stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "http://elsewhere.test/ok",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 999, product_data: { name: "x" } } }],
    });
    fake.completeSession(foreign.id);
    const result = await deliver("checkout.session.completed", session(foreign.id));
    expect(result.body).toMatchObject({ status: "processed", detail: expect.stringMatching(/no purchase/) });
  });
});

describe("asynchronous payments", () => {
  it("waits while processing, credits on async success, and a late completed replay adds nothing", async () => {
    const { user, purchaseId, sessionId } = await buy();
    fake.completeSession(sessionId, "processing");
    const completed = stripeEvent("checkout.session.completed", session(sessionId));
    expect((await post(webhookRequest(URL, JSON.stringify(completed), { secret: SECRET }))).body).toMatchObject({
      detail: "not paid yet",
    });
    expect(await balance(user.id)).toBe(0);
    const pending = await purchaseOf(purchaseId);
    expect(pending.status).toBe("PENDING");
    expect(pending.stripePaymentIntentId).toMatch(/^pi_/);

    fake.settleAsyncPayment(sessionId, "succeeded");
    expect((await deliver("checkout.session.async_payment_succeeded", session(sessionId))).body).toMatchObject({
      detail: "credited",
    });
    // Stripe retries `completed` (new delivery, same event id) after the payment cleared.
    expect((await post(webhookRequest(URL, JSON.stringify(completed), { secret: SECRET }))).body.status).toBe(
      "duplicate",
    );
    // A fresh completed-type event for the same session: the ledger key holds.
    expect((await deliver("checkout.session.completed", session(sessionId))).body).toMatchObject({
      detail: "already credited",
    });
    expect(await balance(user.id)).toBe(starter.credits);
    expect((await purchaseOf(purchaseId)).status).toBe("PAID");
  });

  it("marks the purchase failed when the async payment fails, and never un-credits a paid one", async () => {
    const failing = await buy();
    fake.completeSession(failing.sessionId, "processing");
    fake.settleAsyncPayment(failing.sessionId, "failed");
    expect((await deliver("checkout.session.async_payment_failed", session(failing.sessionId))).body).toMatchObject({
      detail: "async payment failed: purchase failed",
    });
    expect((await purchaseOf(failing.purchaseId)).status).toBe("FAILED");
    expect(await balance(failing.user.id)).toBe(0);

    const paid = await buy();
    fake.completeSession(paid.sessionId);
    await deliver("checkout.session.completed", session(paid.sessionId));
    // A stray failure event (out of order, or forged into a valid envelope) cannot undo a paid purchase.
    await deliver("checkout.session.async_payment_failed", session(paid.sessionId));
    expect((await purchaseOf(paid.purchaseId)).status).toBe("PAID");
    expect(await balance(paid.user.id)).toBe(starter.credits);
  });

  it("closes an abandoned checkout as failed when its session expires", async () => {
    const { purchaseId, sessionId } = await buy();
    fake.expireSession(sessionId);
    await deliver("checkout.session.expired", session(sessionId));
    expect((await purchaseOf(purchaseId)).status).toBe("FAILED");
  });
});

describe("charge.refunded", () => {
  async function paidPurchase(packId = "starter") {
    const bought = await buy(packId);
    fake.completeSession(bought.sessionId);
    await deliver("checkout.session.completed", session(bought.sessionId));
    return { ...bought, charge: fake.chargeForSession(bought.sessionId) };
  }

  it("claws back every credit of a full refund, once", async () => {
    const { user, purchaseId, charge } = await paidPurchase();
    fake.refundCharge(charge.id);
    const event = stripeEvent("charge.refunded", charge);
    expect((await post(webhookRequest(URL, JSON.stringify(event), { secret: SECRET }))).body).toMatchObject({
      detail: "clawed back 100",
    });
    await post(webhookRequest(URL, JSON.stringify(event), { secret: SECRET }));
    await deliver("charge.refunded", charge);
    expect(await balance(user.id)).toBe(0);
    expect(await purchaseOf(purchaseId)).toMatchObject({
      status: "REFUNDED",
      refundedCents: 500,
      creditsClawedBack: 100,
    });
    const clawbacks = (await movements(user.id)).filter((m) => m.kind === "CLAWBACK");
    expect(clawbacks).toHaveLength(1);
    expect(clawbacks[0]).toMatchObject({ amount: -100, idempotencyKey: `clawback:${purchaseId}:500` });
  });

  it("claws back the refunded share of partial refunds, cumulatively, whatever order they arrive in", async () => {
    const { user, purchaseId, charge } = await paidPurchase("studio"); // 500 credits for $20.00
    fake.refundCharge(charge.id, 500); // $5 → 125 credits
    const first = stripeEvent("charge.refunded", structuredClone(charge));
    fake.refundCharge(charge.id, 300); // $8 total → 200 credits
    const second = stripeEvent("charge.refunded", structuredClone(charge));

    // The later refund's event lands first; each re-reads the charge's cumulative total.
    await post(webhookRequest(URL, JSON.stringify(second), { secret: SECRET }));
    await post(webhookRequest(URL, JSON.stringify(first), { secret: SECRET }));
    expect(await balance(user.id)).toBe(300);
    expect(await purchaseOf(purchaseId)).toMatchObject({ status: "PAID", refundedCents: 800, creditsClawedBack: 200 });

    fake.refundCharge(charge.id, 200); // $10 total → 250 credits
    await deliver("charge.refunded", charge);
    expect(await balance(user.id)).toBe(250);
    expect((await movements(user.id)).filter((m) => m.kind === "CLAWBACK").map((m) => m.amount)).toEqual([-200, -50]);
  });

  it("takes only what is left when the credits were already spent, and says so", async () => {
    const { user, purchaseId, charge } = await paidPurchase();
    await applyMovement(db, {
      userId: user.id,
      kind: "RESERVE",
      amount: -90,
      idempotencyKey: `test-spend:${user.id}`,
      reason: "Spent on images",
    });
    fake.refundCharge(charge.id);
    expect((await deliver("charge.refunded", charge)).body).toMatchObject({ detail: "clawed back 10 (wrote off 90)" });
    expect(await balance(user.id)).toBe(0);
    const clawback = (await movements(user.id)).find((m) => m.kind === "CLAWBACK");
    expect(clawback?.amount).toBe(-10);
    expect(clawback?.reason).toMatch(/100 credits owed, 10 taken back; 90 already spent were written off/);
    expect((await purchaseOf(purchaseId)).creditsClawedBack).toBe(100);

    // Credits bought later are not taken for the written-off share by a replayed refund.
    await applyMovement(db, {
      userId: user.id,
      kind: "GRANT",
      amount: 30,
      idempotencyKey: `test-regrant:${user.id}`,
      reason: "Goodwill",
    });
    await deliver("charge.refunded", charge);
    expect(await balance(user.id)).toBe(30);
  });

  it("converges when the refund and the checkout events arrive at the same moment", async () => {
    const { user, purchaseId, sessionId } = await buy();
    fake.completeSession(sessionId);
    const charge = fake.refundCharge(fake.chargeForSession(sessionId).id, 250);
    await Promise.all([
      deliver("charge.refunded", charge),
      deliver("checkout.session.completed", session(sessionId)),
      deliver("checkout.session.async_payment_succeeded", session(sessionId)),
      deliver("charge.refunded", charge),
    ]);
    expect(await balance(user.id)).toBe(50);
    expect(await purchaseOf(purchaseId)).toMatchObject({ status: "PAID", refundedCents: 250, creditsClawedBack: 50 });
    expect((await movements(user.id)).map((m) => m.amount).sort()).toEqual([-50, 100].sort());
  });

  it("converges when the refund arrives before the checkout events", async () => {
    const { user, purchaseId, sessionId } = await buy();
    fake.completeSession(sessionId);
    const charge = fake.refundCharge(fake.chargeForSession(sessionId).id);
    expect((await deliver("charge.refunded", charge)).body).toMatchObject({
      detail: "refund recorded; credits not granted yet",
    });
    expect(await balance(user.id)).toBe(0);

    expect((await deliver("checkout.session.completed", session(sessionId))).body).toMatchObject({
      detail: "credited; clawed back 100",
    });
    expect(await balance(user.id)).toBe(0);
    expect(await purchaseOf(purchaseId)).toMatchObject({
      status: "REFUNDED",
      refundedCents: 500,
      creditsClawedBack: 100,
    });
    expect((await movements(user.id)).map((m) => m.kind)).toEqual(["PURCHASE", "CLAWBACK"]);
  });
});

describe("disputes", () => {
  async function paidPurchase() {
    const bought = await buy();
    fake.completeSession(bought.sessionId);
    await deliver("checkout.session.completed", session(bought.sessionId));
    return { ...bought, charge: fake.chargeForSession(bought.sessionId) };
  }
  const locked = async (userId: string) =>
    (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { spendingLocked: true } })).spendingLocked;

  it("locks spending while a dispute is open and unlocks when it is won", async () => {
    const { user, purchaseId, charge } = await paidPurchase();
    const dispute = fake.openDispute(charge.id);
    expect((await deliver("charge.dispute.created", dispute)).body).toMatchObject({
      detail: "dispute open: spending locked",
    });
    expect(await locked(user.id)).toBe(true);
    expect((await purchaseOf(purchaseId)).disputed).toBe(true);

    fake.closeDispute(dispute.id, "won");
    await deliver("charge.dispute.closed", dispute);
    expect(await locked(user.id)).toBe(false);
    expect((await purchaseOf(purchaseId)).disputed).toBe(false);
    expect(await balance(user.id)).toBe(starter.credits);
  });

  it("takes the pack's credits back when the dispute is lost, then unlocks", async () => {
    const { user, purchaseId, charge } = await paidPurchase();
    const dispute = fake.openDispute(charge.id);
    await deliver("charge.dispute.created", dispute);
    fake.closeDispute(dispute.id, "lost");
    await deliver("charge.dispute.closed", dispute);
    await deliver("charge.dispute.closed", dispute);
    expect(await balance(user.id)).toBe(0);
    expect(await locked(user.id)).toBe(false);
    expect(await purchaseOf(purchaseId)).toMatchObject({ status: "REFUNDED", disputed: false, creditsClawedBack: 100 });
    // A refund event for the same charge afterwards finds nothing left to take.
    fake.refundCharge(charge.id);
    await deliver("charge.refunded", charge);
    expect((await movements(user.id)).filter((m) => m.kind === "CLAWBACK")).toHaveLength(1);
  });

  it("keeps spending locked until every open dispute of the user is resolved", async () => {
    const first = await paidPurchase();
    const second = await buy("starter", first.user);
    fake.completeSession(second.sessionId);
    await deliver("checkout.session.completed", session(second.sessionId));
    const secondCharge = fake.chargeForSession(second.sessionId);
    const disputeA = fake.openDispute(first.charge.id);
    const disputeB = fake.openDispute(secondCharge.id);
    await deliver("charge.dispute.created", disputeA);
    await deliver("charge.dispute.created", disputeB);
    fake.closeDispute(disputeA.id, "won");
    await deliver("charge.dispute.closed", disputeA);
    expect(await locked(first.user.id)).toBe(true);
    fake.closeDispute(disputeB.id, "won");
    await deliver("charge.dispute.closed", disputeB);
    expect(await locked(first.user.id)).toBe(false);
    expect(await balance(first.user.id)).toBe(2 * starter.credits);
  });

  it("does not lock again when `created` arrives after the dispute already closed", async () => {
    const { user, charge } = await paidPurchase();
    const dispute = fake.openDispute(charge.id);
    fake.closeDispute(dispute.id, "won");
    await deliver("charge.dispute.closed", dispute);
    await deliver("charge.dispute.created", dispute);
    expect(await locked(user.id)).toBe(false);
  });
});
