import { expect, latestMailTo, magicLinkIn, newEmail, SignInPage, test } from "./support/fixtures";

test("a fourth sign-in email within ten minutes is refused with when to retry, and only the newest link works", async ({
  page,
}) => {
  const email = newEmail("limited");
  const links: string[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto("/signin");
    const sentAfter = Date.now();
    await new SignInPage(page).requestLink(email);
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    links.push(magicLinkIn((await latestMailTo(email, sentAfter - 1)).text));
  }

  await page.goto("/signin");
  await new SignInPage(page).requestLink(email);
  await expect(
    page.getByRole("alert").filter({ hasText: "Too many sign-in emails for this address. Try again in 10 minutes." }),
  ).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);

  // The first link was voided by the second.
  await page.goto(links[0] ?? "");
  await expect(page.getByRole("alert").filter({ hasText: "expired or was already used" })).toBeVisible();
  await page.goto(links[2] ?? "");
  await expect(page).toHaveURL(/\/studio$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
});

test("share pages viewed too often from one address say so and when to retry, then open again", async ({ request }) => {
  // This studio allows 12 share-page views per 5 seconds per address (tests/e2e/support/stack.ts).
  // Views are counted before the token is looked up, so an unknown token counts like any other.
  const views = await Promise.all(
    Array.from({ length: 16 }, (_, i) => request.get(`/s/unknown-token-${i}`).then(async (r) => r.text())),
  );
  const refused = views.filter((html) => html.includes("Too many shared pages viewed from your network"));
  expect(refused.length).toBeGreaterThanOrEqual(4);
  expect(refused[0]).toMatch(/Try again in \d seconds?\./);
  await expect
    .poll(async () => (await (await request.get("/s/unknown-token-later")).text()).includes("Too many shared pages"), {
      timeout: 15_000,
      intervals: [1000],
    })
    .toBe(false);
});
