import { continueWithOidc, expect, latestMailTo, magicLinkIn, newEmail, SignInPage, test } from "./support/fixtures";

test.describe("signing in and out", () => {
  test("a magic link signs a new user in, shows their email and welcome credits, and signing out ends the session", async ({
    page,
    signIn,
  }) => {
    const email = await signIn();
    await expect(page).toHaveURL(/\/studio$/);
    await expect(page.getByTestId("balance")).toContainText("40");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" })).toBeVisible();

    const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
    expect(session).toBeDefined();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/studio");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fstudio/);

    // Replaying the old cookie gets nowhere: sign-out deleted the session from the database.
    if (session) await page.context().addCookies([session]);
    await page.goto("/billing");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fbilling/);
    await expect(page.getByRole("heading", { name: "Sign in to Atelier" })).toBeVisible();
    expect(email).toContain("@");
  });

  test("signing out tells the browser to drop its cache (the user's private images)", async ({ page, signIn }) => {
    await signIn();
    const response = await page.request.post("/signout", {
      maxRedirects: 0,
      headers: { origin: new URL(page.url()).origin },
    });
    expect(response.status()).toBe(303);
    expect(response.headers()["clear-site-data"]).toBe('"cache"');
    expect(response.headers().location).toBe("/");
    await page.goto("/studio");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fstudio/);
  });

  test("a signed-out visitor to a studio page comes back to it after signing in", async ({ page }) => {
    await page.goto("/billing");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fbilling/);
    const email = newEmail();
    const sentAfter = Date.now();
    await new SignInPage(page).requestLink(email);
    const mail = await latestMailTo(email, sentAfter - 1);
    await page.goto(magicLinkIn(mail.text));
    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByTestId("user-email")).toHaveText(email);
  });

  test("a malformed email gets a message, not a crash", async ({ page }) => {
    await page.goto("/signin");
    await new SignInPage(page).requestLink("not-an-email");
    await expect(page.getByRole("alert").filter({ hasText: "Enter a valid email address" })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  });

  test("an OpenID Connect provider signs a user in", async ({ page }) => {
    const email = newEmail("oidc");
    await page.goto("/signin?callbackUrl=%2Fhistory");
    await continueWithOidc(page, email);
    await expect(page).toHaveURL(/\/history$/);
    await expect(page.getByTestId("user-email")).toHaveText(email);
  });
});

test("an OpenID sign-in with the email of an existing account is not linked to it", async ({
  page,
  signIn,
  browser,
}) => {
  const email = await signIn();
  const other = await browser.newContext();
  const visitor = await other.newPage();
  await visitor.goto("/signin");
  await continueWithOidc(visitor, email);
  await expect(visitor).toHaveURL(/\/signin\?error=OAuthAccountNotLinked/);
  await expect(visitor.getByRole("alert").filter({ hasText: "already belongs to an account" })).toBeVisible();
  await other.close();
  await expect(page.getByTestId("user-email")).toHaveText(email);
});

test.describe("public pages", () => {
  test("the landing page says what Atelier is and what it costs", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Pricing" })).toBeVisible();
    await expect(page.getByText(/credits per image/)).toBeVisible();
  });

  test("unknown routes get a proper 404 page", async ({ page }) => {
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  });

  test("the health route reports the database", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: { reachable: true } });
  });

  test("the development outbox does not exist on a studio with a mail server", async ({ request }) => {
    const res = await request.get("/dev/outbox");
    expect(res.status()).toBe(404);
  });
});
