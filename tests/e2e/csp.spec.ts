// Every page under the strict Content-Security-Policy (proxy.ts), with the features that would
// break first under it: generation and its polling, the usage chart, sharing and checkout.
// Any `securitypolicyviolation` event, or Chromium's "Refused to …" report, fails the test.
import type { Page } from "@playwright/test";
import { FAKE_STRIPE_URL } from "./support/constants";
import { expect, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

// Many requests against a production build on a shared machine: more than the default minute.
test.describe.configure({ timeout: 180_000 });

function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|securitypolicyviolation/i.test(text)) violations.push(`${page.url()}: ${text}`);
  });
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`securitypolicyviolation ${event.effectiveDirective} blocked ${event.blockedURI}`);
    });
  });
  return violations;
}

test("every page runs under the strict CSP without a single violation, and the studio still works", async ({
  page,
  signIn,
  browser,
}) => {
  const violations = watchViolations(page);

  const landing = await page.goto("/");
  const policy = landing?.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
    expect(policy).toContain(directive);
  }
  // A fresh nonce per response.
  const again = await page.request.get("/");
  expect(again.headers()["content-security-policy"]).not.toBe(policy);
  // Served over plain http here: no HSTS.
  expect(landing?.headers()["strict-transport-security"]).toBeUndefined();

  await page.goto("/signin");
  await signIn();

  // Studio: a generation, completed through polling.
  const studio = new StudioPage(page);
  const prompt = `A paper boat on a pond, CSP ${Date.now()}`;
  await studio.generate({ prompt, images: 1 });
  await studio.expectCompleted(prompt, 1);

  // History and the detail page; a share link, opened signed out.
  await page.goto("/history");
  const card = page.getByRole("list", { name: "Generations" }).getByRole("article").first();
  await expect(card).toContainText(prompt);
  await card.getByRole("link").first().click();
  await expect(page.getByTestId("generation-prompt")).toHaveText(prompt);
  await page.getByRole("button", { name: "Create share link" }).click();
  const shareUrl = await page.getByRole("textbox", { name: "Share link" }).inputValue();
  const visitor = await browser.newContext();
  try {
    const publicPage = await visitor.newPage();
    const visitorViolations = watchViolations(publicPage);
    await publicPage.goto(shareUrl);
    await expect(publicPage.getByTestId("shared-prompt")).toHaveText(prompt);
    const image = publicPage.getByRole("list", { name: "Images" }).getByRole("img").first();
    await expect(image).toHaveJSProperty("complete", true);
    expect(await image.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
    expect(visitorViolations).toEqual([]);
  } finally {
    await visitor.close();
  }

  // Billing: the usage chart, then checkout to Stripe's (here: the local stand-in's) page.
  await page.goto("/billing");
  await expect(page.getByRole("img", { name: /Credits spent per day/ })).toBeVisible();
  await page.getByRole("button", { name: "Buy Starter pack" }).click();
  await page.waitForURL(`${FAKE_STRIPE_URL}/checkout/**`);

  expect(violations).toEqual([]);
});
