// The admin area as an operator uses it: an admin finds a user, grants credits with a reason, and
// sees the grant in the user's ledger and in the audit log; freezing stops the user generating.
// Everyone else — signed out or signed in — gets the ordinary 404 page at every admin address.
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { ADMIN_EMAIL, FULL_URL } from "./support/constants";
import { expect, signInByEmail, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

const ADMIN_PATHS = ["/admin", "/admin/users", "/admin/generations", "/admin/ledger", "/admin/audit"];

class AdminPage {
  constructor(private readonly page: Page) {}

  async openUser(email: string) {
    await this.page.goto("/admin/users");
    await this.page.getByLabel("Email contains").fill(email);
    await this.page.getByRole("button", { name: "Search" }).click();
    await this.page.getByRole("link", { name: email }).click();
    await expect(this.page.getByRole("heading", { name: email, level: 1 })).toBeVisible();
  }

  async grant(credits: number, reason: string) {
    const form = this.page.getByRole("form", { name: "Change credits" });
    await form.getByLabel("Credits").fill(String(credits));
    await form.getByLabel("Reason (required)").fill(reason);
    await form.getByRole("button", { name: "Apply credit change" }).click();
    await expect(form.getByRole("status")).toContainText("Done. The balance is now");
  }

  async freeze(reason: string) {
    const form = this.page.getByRole("form", { name: "Freeze" });
    await form.getByLabel("Reason (required)").fill(reason);
    await form.getByRole("button", { name: "Freeze generating and buying" }).click();
    await expect(form.getByRole("status")).toContainText("Frozen");
  }

  ledger() {
    return this.page.getByRole("table", { name: "Ledger, newest first" });
  }
}

async function newSignedInPage(browser: Browser, email?: string): Promise<{ page: Page; email: string }> {
  const context = await browser.newContext({ baseURL: FULL_URL });
  const page = await context.newPage();
  return { page, email: await signInByEmail(page, email ? { email } : {}) };
}

async function expectNotFound(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
}

async function expectNotFoundSignedOut(request: APIRequestContext, path: string) {
  const response = await request.get(path, { maxRedirects: 0 });
  expect(response.status(), path).toBe(404);
}

test("an admin grants credits with a reason: the user's ledger and the audit log show it; freezing stops generating", async ({
  browser,
  page,
  signIn,
  request,
}) => {
  // Two sign-ins and some twenty page loads in one story: more than the default budget.
  test.slow();
  const userEmail = await signIn();
  const { page: adminPage } = await newSignedInPage(browser, ADMIN_EMAIL);
  const admin = new AdminPage(adminPage);

  await adminPage.goto("/admin");
  await expect(adminPage.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(adminPage.getByRole("img", { name: "Sign-ups per day" })).toBeVisible();

  await admin.openUser(userEmail);
  const userPath = new URL(adminPage.url()).pathname;
  await expect(adminPage.getByTestId("admin-user-balance")).toHaveText("40");
  await admin.grant(15, "Support: e2e make-good");
  await expect(adminPage.getByTestId("admin-user-balance")).toHaveText("55");
  await expect(admin.ledger().getByRole("row").filter({ hasText: "Support: e2e make-good" })).toContainText("+15");

  await adminPage.goto("/admin/audit");
  const entry = adminPage.getByRole("table", { name: "Admin actions, newest first" }).getByRole("row").nth(1);
  await expect(entry).toContainText(ADMIN_EMAIL);
  await expect(entry).toContainText("Granted credits");
  await expect(entry).toContainText(userEmail);
  await expect(entry).toContainText("Support: e2e make-good");

  // The user sees the grant, with its reason, on their own billing page.
  await page.goto("/billing");
  await expect(page.getByTestId("billing-balance")).toHaveText("55");
  const movement = page.getByRole("table", { name: "Credit movements, newest first" }).getByRole("row").nth(1);
  await expect(movement).toContainText("Support: e2e make-good");

  await admin.openUser(userEmail);
  await admin.freeze("Suspected card fraud");
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.generate({ prompt: "A frozen lake" });
  await expect(
    page.getByRole("alert").filter({ hasText: "paused on your account by the studio's operator" }),
  ).toBeVisible();

  // Not an admin: the user's own session and a signed-out visitor get 404 everywhere, this user's
  // admin page included.
  for (const path of [...ADMIN_PATHS, userPath]) {
    await expectNotFound(page, path);
    await expectNotFoundSignedOut(request, path);
  }
});
