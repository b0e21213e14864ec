// The registry's models on the demo stack, as a person uses them: an edit of two uploaded
// references ("Made from" both), an upscale of its image ("Used in" on the source), each charge on
// the billing page; and Seedream 4.5 making two images in two calls.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import sharp from "sharp";
import { expect, test } from "../support/fixtures";
import { GenerationPage } from "../support/generation-page";
import { StudioPage } from "../support/studio-page";

const solid = async (name: string, background: string) => ({
  name,
  mimeType: "image/png",
  buffer: await sharp({ create: { width: 96, height: 64, channels: 3, background } })
    .png()
    .toBuffer(),
});

/** Opens a generation's detail page from its history card. */
async function openFromHistory(page: Page, prompt: string) {
  await page.goto("/history");
  await page.getByRole("article", { name: prompt }).getByRole("link").first().click();
  await expect(page.getByTestId("generation-prompt")).toHaveText(prompt);
}

/** The billing page's movements of one generation, by the link each row has to it. */
function movementsOf(page: Page, generationId: string) {
  return page
    .getByRole("table", { name: "Credit movements, newest first" })
    .getByRole("row")
    .filter({ has: page.locator(`a[href="/history/${generationId}"]`) });
}

test("models: an edit of two references, then an upscale of its image, each charged", async ({ page, signIn }) => {
  await signIn();
  const studio = new StudioPage(page);
  const prompt = `Blend the two swatches ${randomBytes(3).toString("hex")}`;
  await studio.goto();
  const editCredits = await studio.chooseModel("Seedream 4.0 Edit");
  await studio.addReferences([await solid("red.png", "#d33"), await solid("blue.png", "#33d")]);
  await studio.generate({ prompt });
  await studio.expectCompleted(prompt, 1);

  // The edit's page: made from both uploads, in order.
  await openFromHistory(page, prompt);
  const detail = new GenerationPage(page);
  const editId = detail.id();
  await expect(detail.madeFrom().getByRole("listitem")).toHaveCount(2);
  await expect(detail.madeFrom().getByRole("img", { name: "Reference 1" })).toBeVisible();
  await expect(detail.madeFrom().getByRole("img", { name: "Reference 2" })).toBeVisible();
  await expect(detail.madeFrom().getByText("Uploaded")).toHaveCount(2);

  // Upscale its image to 2K: the new generation's page opens and finishes live.
  const upscaleCredits = await detail.upscale(1, "2K");
  await expect(page).not.toHaveURL(new RegExp(`/history/${editId}$`));
  await expect(page).toHaveURL(/\/history\/[A-Za-z0-9_-]+$/);
  const upscaleId = detail.id();
  await expect(page.getByTestId("generation-prompt")).toHaveText("Upscale");
  await detail.expectCompleted();
  await expect(page.getByRole("list", { name: "Images" }).getByRole("img")).toHaveCount(1);
  await expect(page.getByText("2K · 2048×2048")).toBeVisible();
  // The studio's form cannot hold an upscale (its model is not in the picker): it is made again
  // from its image, by "Re-run", not through "Reuse settings", here or on the studio's card.
  await expect(page.getByRole("link", { name: "Reuse settings" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Re-run with the same seed" })).toBeVisible();
  // Made from the edit's image, which links back to it; the edit says where its image was used.
  await expect(detail.madeFrom().getByRole("link", { name: /From a generation/ })).toHaveAttribute(
    "href",
    `/history/${editId}`,
  );
  await page.goto("/studio");
  const upscaleCard = page.getByRole("article", { name: "Generation: Upscale" });
  await expect(upscaleCard).toHaveAttribute("data-status", "COMPLETED");
  await expect(upscaleCard.getByRole("button", { name: "Reuse settings" })).toHaveCount(0);
  await expect(page.getByRole("article").getByRole("button", { name: "Reuse settings" })).toHaveCount(1);
  // Opened by address anyway, the studio starts from its defaults rather than a form it cannot fill.
  await page.goto(`/studio?reuse=${upscaleId}`);
  await expect(page.getByRole("combobox", { name: "Model" })).toHaveValue(/seedream-v4-text-to-image/);
  await detail.goto(editId);
  await expect(detail.usedIn().getByRole("link", { name: "Upscale" })).toHaveAttribute("href", `/history/${upscaleId}`);

  // Each charge on the billing page, with its credits.
  await page.goto("/billing");
  for (const [id, credits] of [
    [editId, editCredits],
    [upscaleId, upscaleCredits],
  ] as const) {
    expect(credits).toBeGreaterThan(0);
    const rows = movementsOf(page, id);
    await expect(rows.filter({ hasText: "Reserved" })).toContainText(`−${credits}`);
    await expect(rows.filter({ hasText: "Settled" })).toContainText("1 image delivered");
  }
});

test("models: Seedream 4.5 makes two images in two calls", async ({ page, signIn }) => {
  await signIn();
  const studio = new StudioPage(page);
  const prompt = `Two takes of a kite ${randomBytes(3).toString("hex")}`;
  await studio.goto();
  await studio.chooseModel("Seedream 4.5");
  await studio.generate({ prompt, images: 2 });
  await studio.expectCompleted(prompt, 2);
  await openFromHistory(page, prompt);
  await expect(page.getByText("2 of 2 received")).toBeVisible();
  // One upstream call per image: the model takes no `num_images`.
  const calls = page
    .locator("dl > div")
    .filter({ has: page.getByRole("term").filter({ hasText: "Image service calls" }) });
  await expect(calls.getByRole("definition")).toHaveText("2");
});
