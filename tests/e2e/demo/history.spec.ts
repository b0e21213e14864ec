// History with the demo image source: find a generation by searching, favourite it, reuse its
// settings, share it, open the link signed out, revoke it and see the link stop working.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";

class HistoryPage {
  constructor(private readonly page: Page) {}

  cards() {
    return this.page.getByRole("list", { name: "Generations" }).getByRole("article");
  }

  async search(text: string) {
    await this.page.getByLabel("Search prompts").fill(text);
    await this.page.getByLabel("Search prompts").press("Enter");
  }
}

async function generate(page: Page, prompt: string) {
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
}

test("history: search, favourite, reuse, share signed out, revoke", async ({ page, signIn, browser }) => {
  await signIn();
  const tag = randomBytes(3).toString("hex");
  const lighthouse = `A lighthouse in the fog ${tag}`;
  const fox = `A red fox in the snow ${tag}`;
  await generate(page, lighthouse);
  await generate(page, fox);

  const history = new HistoryPage(page);
  await page.goto("/history");
  // The demo source takes a second or two; the history shows what is stored when it loads.
  await expect(async () => {
    await page.reload();
    await expect(history.cards()).toHaveCount(2);
    await expect(history.cards().getByText("Completed", { exact: true })).toHaveCount(2);
  }).toPass({ timeout: 30_000 });

  await history.search(`lighthouse ${tag}`);
  await expect(page).toHaveURL(/[?&]q=lighthouse/);
  await expect(history.cards()).toHaveCount(1);
  await expect(history.cards().first()).toContainText(lighthouse);
  // The search survives a reload.
  await page.reload();
  await expect(page.getByLabel("Search prompts")).toHaveValue(`lighthouse ${tag}`);
  await expect(history.cards()).toHaveCount(1);

  await history.cards().first().getByRole("link").click();
  await expect(page.getByTestId("generation-prompt")).toHaveText(lighthouse);
  const detailUrl = page.url();
  const favourite = page.getByRole("button", { name: "Favourite" });
  await expect(favourite).toHaveAttribute("aria-pressed", "false");
  await favourite.click();
  await expect(favourite).toHaveAttribute("aria-pressed", "true");

  await page.goto("/history?fav=1");
  await expect(page.getByLabel("Favourites only")).toBeChecked();
  await expect(history.cards()).toHaveCount(1);
  await expect(history.cards().first()).toContainText(lighthouse);

  await page.goto(detailUrl);
  await page.getByRole("link", { name: "Reuse settings" }).click();
  await expect(page).toHaveURL(/\/studio\?reuse=/);
  await expect(page.getByLabel("Prompt")).toHaveValue(lighthouse);

  await page.goto(detailUrl);
  await page.getByRole("button", { name: "Create share link" }).click();
  const shareUrl = await page.getByRole("textbox", { name: "Share link" }).inputValue();
  expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

  const visitor = await browser.newContext();
  try {
    const publicPage = await visitor.newPage();
    await publicPage.goto(shareUrl);
    await expect(publicPage.getByTestId("shared-prompt")).toHaveText(lighthouse);
    await expect(publicPage.getByText("Demo", { exact: true })).toBeVisible();
    const image = publicPage.getByRole("list", { name: "Images" }).getByRole("img").first();
    await expect(image).toBeVisible();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    const ogImage = await publicPage.locator('meta[property="og:image"]').getAttribute("content");
    expect(ogImage).toMatch(/\/s\/[A-Za-z0-9_-]{43}\/image\/0$/);
    await expect(publicPage.locator('meta[property="og:title"]')).toHaveAttribute("content", lighthouse);
    // Signed out, the owner's pages are not reachable.
    await publicPage.goto(detailUrl);
    await expect(publicPage).toHaveURL(/\/signin/);

    await page.getByRole("button", { name: /^Revoke the link/ }).click();
    await expect(page.getByText("Link revoked. It no longer opens.")).toBeVisible();

    const gone = await publicPage.goto(shareUrl);
    expect(gone?.status()).toBe(404);
    await expect(publicPage.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    const imageGone = await visitor.request.get(`${shareUrl}/image/0`);
    expect(imageGone.status()).toBe(404);
  } finally {
    await visitor.close();
  }
});

test("history: bulk favourite, zip download and delete", async ({ page, signIn }) => {
  await signIn();
  const tag = randomBytes(3).toString("hex");
  await generate(page, `An owl at night ${tag}`);
  await generate(page, `A heron at dawn ${tag}`);

  const history = new HistoryPage(page);
  await page.goto("/history");
  await expect(async () => {
    await page.reload();
    await expect(history.cards().getByText("Completed", { exact: true })).toHaveCount(2);
  }).toPass({ timeout: 30_000 });

  await page.getByLabel("Select all shown").check();
  const toolbar = page.getByRole("toolbar", { name: "Selected generations" });
  await expect(toolbar).toContainText("2 selected");
  await toolbar.getByRole("button", { name: "Favourite", exact: true }).click();
  await expect(history.cards().getByRole("img", { name: "Favourite" })).toHaveCount(2);

  const downloading = page.waitForEvent("download");
  await toolbar.getByRole("link", { name: "Download zip" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^atelier-\d{4}-\d{2}-\d{2}\.zip$/);
  const zipPath = await download.path();
  expect(zipPath).toBeTruthy();

  await history.cards().filter({ hasText: "An owl at night" }).getByRole("checkbox").uncheck();
  await expect(toolbar).toContainText("1 selected");
  await toolbar.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete 1 generation?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(history.cards()).toHaveCount(1);
  await expect(history.cards().first()).toContainText("An owl at night");
  await page.reload();
  await expect(history.cards()).toHaveCount(1);
});
