// Buying credits end to end: the studio's real Checkout call lands on the fake Stripe's hosted
// page, the test pays there, delivers the signed webhook Stripe would send, and the balance rises.
import type { Page } from "@playwright/test";
import { signatureFor, stripeEvent } from "../support/stripe-webhooks";
import { FAKE_STRIPE_URL, FULL_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET } from "./support/constants";
import { expect, test } from "./support/fixtures";

class BillingPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/billing");
    await expect(this.page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  }

  async balance(): Promise<number> {
    return Number(await this.page.getByTestId("billing-balance").textContent());
  }

  /** Clicks Buy and waits for Stripe's hosted checkout; returns the Checkout Session id. */
  async buy(packName: string): Promise<string> {
    await this.page.getByRole("button", { name: `Buy ${packName} pack` }).click();
    await this.page.waitForURL(`${FAKE_STRIPE_URL}/checkout/**`);
    const id = new URL(this.page.url()).pathname.split("/").at(-1);
    if (!id?.startsWith("cs_")) throw new Error(`not a checkout page: ${this.page.url()}`);
    return id;
  }

  movements() {
    return this.page.getByRole("table", { name: "Credit movements, newest first" });
  }
}

/** What Stripe does after a payment: sends checkout.session.completed, signed, to the webhook. */
async function deliverCompleted(sessionId: string) {
  const res = await fetch(`${FAKE_STRIPE_URL}/v1/checkout/sessions/${sessionId}`, {
    headers: { authorization: `Bearer ${STRIPE_SECRET_KEY}` },
  });
  expect(res.ok).toBe(true);
  const payload = JSON.stringify(stripeEvent("checkout.session.completed", await res.json()));
  return fetch(`${FULL_URL}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signatureFor(payload, STRIPE_WEBHOOK_SECRET) },
    body: payload,
  });
}

test("buying a pack: checkout, payment, signed webhook, credits in the balance and the ledger", async ({
  page,
  signIn,
}) => {
  await signIn();
  const billing = new BillingPage(page);
  await billing.open();
  const before = await billing.balance();

  const sessionId = await billing.buy("Starter");
  await expect(page.getByText("Pay 5.00 USD")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();

  // Back in the studio before the webhook: the page must not claim the credits yet.
  await page.waitForURL(/\/billing\/success\?session_id=/);
  await expect(page.getByRole("status")).toContainText("credits arrive in a moment");

  const response = await deliverCompleted(sessionId);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ received: true, status: "processed", detail: "credited" });

  // The success page refreshes itself until the webhook's credit shows.
  await expect(page.getByRole("heading", { name: "Credits added" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText(`Your balance is ${before + 100} credits`);

  await billing.open();
  expect(await billing.balance()).toBe(before + 100);
  const row = billing.movements().getByRole("row").filter({ hasText: "Purchase" });
  await expect(row).toContainText("+100");
  await expect(row).toContainText("Bought the Starter pack");
  await expect(row.getByRole("link", { name: /Receipt/ })).toHaveAttribute("href", /\/receipts\/ch_/);

  // A replayed delivery changes nothing.
  await deliverCompleted(sessionId);
  await billing.open();
  expect(await billing.balance()).toBe(before + 100);
});

test("cancelling checkout charges nothing", async ({ page, signIn }) => {
  await signIn();
  const billing = new BillingPage(page);
  await billing.open();
  const before = await billing.balance();
  await billing.buy("Studio");
  await page.getByRole("link", { name: "Cancel and return" }).click();
  await expect(page.getByRole("heading", { name: "Checkout cancelled" })).toBeVisible();
  await expect(page.getByText("nothing was charged")).toBeVisible();
  await billing.open();
  expect(await billing.balance()).toBe(before);
});

test("a webhook without a valid signature is refused", async () => {
  const payload = JSON.stringify(stripeEvent("checkout.session.completed", { id: "cs_test_forged" }));
  const unsigned = await fetch(`${FULL_URL}/api/stripe/webhook`, { method: "POST", body: payload });
  expect(unsigned.status).toBe(400);
  const forged = await fetch(`${FULL_URL}/api/stripe/webhook`, {
    method: "POST",
    headers: { "stripe-signature": signatureFor(payload, "whsec_not_the_secret") },
    body: payload,
  });
  expect(forged.status).toBe(400);
});
