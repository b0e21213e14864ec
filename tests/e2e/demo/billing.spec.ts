// Without Stripe keys the studio says payments are not configured and everything else works.
import { expect, test } from "../support/fixtures";

test("billing without Stripe keys: packs are shown, buying is off, the ledger still works", async ({
  page,
  signIn,
}) => {
  await signIn();
  await page.goto("/billing");
  await expect(page.getByText("Payments are not configured on this studio")).toBeVisible();
  await expect(page.getByRole("button", { name: "Buy Starter pack" })).toBeDisabled();
  const grant = page.getByRole("table", { name: "Credit movements, newest first" }).getByRole("row").filter({
    hasText: "Grant",
  });
  await expect(grant).toContainText("Welcome credits");
  await expect(page.getByRole("img", { name: /Credits spent per day/ })).toBeVisible();

  const webhook = await page.request.post("/api/stripe/webhook", { data: "{}" });
  expect(webhook.status()).toBe(503);
});
