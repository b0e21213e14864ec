// A database outage is an outage, not a sign-out: with the studio's database connection cut
// (a TCP proxy in front of a real PostgreSQL), an action, a route and a page each say "unavailable"
// and charge nothing; when the connection is back, the same session works.
import { ADMIN_EMAIL, CONTROL_URL, OUTAGE_URL } from "./support/constants";
import { expect, signInByEmail, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

// Many requests against a production build on a shared machine: more than the default minute.
test.describe.configure({ timeout: 180_000 });

const UNAVAILABLE = "Atelier can't reach its database right now. Nothing was charged; try again in a moment.";

async function database(state: "cut" | "restore") {
  const res = await fetch(`${CONTROL_URL}/database/${state}`, { method: "POST" });
  expect(res.status).toBe(204);
}

test.use({ baseURL: OUTAGE_URL });
test.afterEach(async () => database("restore"));

test("during an outage an action, a route and a page say unavailable, not signed out; the session survives", async ({
  page,
}) => {
  const email = await signInByEmail(page);
  const balance = page.getByTestId("balance");
  await expect(balance).toContainText("40");
  const sessionBefore = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));

  await database("cut");

  // The action: the form says the database is unreachable, nothing about signing in.
  const studio = new StudioPage(page);
  await studio.generate({ prompt: "A lighthouse in fog during an outage" });
  await expect(page.getByRole("alert").filter({ hasText: UNAVAILABLE })).toHaveText(UNAVAILABLE);
  await expect(page.getByText(/sign in/i)).toHaveCount(0);

  // The route: 503 with Retry-After and the one error body.
  const status = await page.request.get("/api/generations/status?ids=");
  expect(status.status()).toBe(503);
  expect(Number(status.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await status.json()).toEqual({ error: { code: "unavailable", message: UNAVAILABLE } });

  // The page: a 503 "temporarily unavailable" page, not the sign-in page.
  const response = await page.goto("/history");
  expect(response?.status()).toBe(503);
  expect(response?.headers()["retry-after"]).toBeDefined();
  await expect(page.getByRole("heading", { name: "Atelier is temporarily unavailable" })).toBeVisible();
  await expect(page).toHaveURL(/\/history$/);
  await expect(page.getByRole("heading", { name: "Sign in to Atelier" })).toHaveCount(0);

  await database("restore");

  // The same cookie still signs the same user in, and nothing was charged.
  await page.goto("/studio");
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await expect(balance).toContainText("40");
  const sessionAfter = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(sessionAfter?.value).toBe(sessionBefore?.value);
  await expect(page.getByRole("article")).toHaveCount(0);
  const after = await page.request.get("/api/generations/status?ids=");
  expect(after.status()).toBe(200);
  expect(await after.json()).toMatchObject({ balance: 40 });
});

test("a click in the app's navigation during an outage ends on the same 503 page, and its link works once the database is back", async ({
  page,
}) => {
  await signInByEmail(page);
  await expect(page.getByRole("heading", { name: "Studio" })).toBeAttached();

  await database("cut");
  // A click fetches the next page without a document load, which the proxy's check never sees; the
  // page cannot render, and the router falls back to loading the document: the proxy's 503 page.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Atelier is temporarily unavailable" })).toBeVisible();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole("heading", { name: "Sign in to Atelier" })).toHaveCount(0);

  await database("restore");
  await page.getByRole("link", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
});

test("during an outage a share page and an operator's page answer the same 503 page; both come back", async ({
  page,
  browser,
}) => {
  await signInByEmail(page, { email: ADMIN_EMAIL });
  const studio = new StudioPage(page);
  const prompt = `A kite over dunes, shared during an outage ${Date.now()}`;
  await studio.generate({ prompt, images: 1 });
  await studio.expectCompleted(prompt, 1);
  await page.goto("/history");
  await page.getByRole("list", { name: "Generations" }).getByRole("article").first().getByRole("link").first().click();
  await page.getByRole("button", { name: "Create share link" }).click();
  const shareUrl = await page.getByRole("textbox", { name: "Share link" }).inputValue();
  const visitor = await browser.newContext();
  try {
    const publicPage = await visitor.newPage();

    await database("cut");

    // Signed out on a share page: the 503 page, without telling a visitor they are signed in.
    const shared = await publicPage.goto(shareUrl);
    expect(shared?.status()).toBe(503);
    expect(shared?.headers()["retry-after"]).toBeDefined();
    await expect(publicPage.getByRole("heading", { name: "Atelier is temporarily unavailable" })).toBeVisible();
    await expect(publicPage.getByText("You are still signed in")).toHaveCount(0);
    // The operator's page: the same 503 page, not an application error.
    const admin = await page.goto("/admin");
    expect(admin?.status()).toBe(503);
    await expect(page.getByRole("heading", { name: "Atelier is temporarily unavailable" })).toBeVisible();
    await expect(page.getByText("You are still signed in")).toBeVisible();

    await database("restore");

    const back = await publicPage.goto(shareUrl);
    expect(back?.status()).toBe(200);
    await expect(publicPage.getByTestId("shared-prompt")).toHaveText(prompt);
    const adminBack = await page.goto("/admin");
    expect(adminBack?.status()).toBe(200);
    await expect(page.getByTestId("admin-email")).toHaveText(ADMIN_EMAIL);
  } finally {
    await visitor.close();
  }
});
