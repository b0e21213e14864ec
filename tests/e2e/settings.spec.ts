// The settings pages a person uses: API keys (a new key's secret shown once, revoking asks first)
// and webhook endpoints (refused and accepted URLs, deleting asks first).
import { expect, test } from "./support/fixtures";

test("an API key is created, shown once, and revoked only after confirming", async ({ page, signIn }) => {
  await signIn();
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByText("No keys yet.")).toBeVisible();

  await page.getByLabel("Name").fill("e2e-script");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("status")).toHaveText("Key created. Copy it now: it is shown only once.");
  await expect(page.getByLabel("Your new key “e2e-script”")).toHaveValue(/^atl_/);
  const keys = page.getByRole("table", { name: "Your keys" });
  const row = keys.getByRole("row").filter({ hasText: "e2e-script" });
  await expect(row).toContainText("Never");

  page.once("dialog", (dialog) => dialog.dismiss());
  await row.getByRole("button", { name: "Revoke e2e-script" }).click();
  await expect(row.getByRole("button", { name: "Revoke e2e-script" })).toBeVisible();

  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Revoke e2e-script" }).click();
  await expect(page.getByRole("status")).toHaveText('"e2e-script" revoked.');
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button")).toHaveCount(0);
});

test("a webhook endpoint must be https; one is added, and deleted only after confirming", async ({ page, signIn }) => {
  await signIn();
  await page.goto("/settings/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expect(page.getByText("No endpoints yet.")).toBeVisible();

  await page.getByLabel("Endpoint URL").fill("http://example.com/hooks/atelier");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const refused = page.getByRole("alert").filter({ hasText: "Webhook endpoints must use https." });
  await expect(refused).toBeVisible();

  await page.getByLabel("Endpoint URL").fill("https://example.com/hooks/atelier");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("status")).toHaveText("Endpoint added.");
  await expect(refused).toHaveCount(0);
  await page.getByRole("button", { name: "Show secret" }).click();
  await expect(page.getByText(/^whsec_/)).toBeVisible();

  const remove = page.getByRole("button", { name: "Delete https://example.com/hooks/atelier" });
  page.once("dialog", (dialog) => dialog.dismiss());
  await remove.click();
  await expect(remove).toBeVisible();

  page.once("dialog", (dialog) => dialog.accept());
  await remove.click();
  await expect(page.getByRole("status")).toHaveText("Endpoint deleted.");
  await expect(page.getByText("No endpoints yet.")).toBeVisible();
});
