import { expect, test } from "../support/fixtures";
import { StudioPage } from "../support/studio-page";

// The studio without an AI/ML API key: the demo image source, labelled "Demo" wherever its images are.
test("generate with the demo source, see the images labelled Demo, and find them again after a reload", async ({
  page,
  signIn,
}) => {
  await signIn();
  const studio = new StudioPage(page);
  const balance = page.getByTestId("balance");
  const before = Number((await balance.textContent())?.match(/\d+/)?.[0]);

  const prompt = "A lighthouse at dusk, oil on canvas";
  await studio.generate({ prompt, images: 2, seed: 1234 });
  // The card is there at once, before the images.
  await expect(studio.card(prompt)).toBeVisible();
  const card = await studio.expectCompleted(prompt, 2);
  await expect(card.getByText("Demo", { exact: true }).first()).toBeVisible();
  await expect(card.getByText("Seed 1234")).toBeVisible();
  await expect(balance).toContainText(String(before - 8));

  await page.reload();
  const again = await studio.expectCompleted(prompt, 2);
  await expect(again.getByText("Demo", { exact: true }).first()).toBeVisible();

  // Full size, then the original file.
  await again.getByRole("button", { name: "Open image 1 full size" }).click();
  const dialog = page.getByRole("dialog", { name: "Full-size image" });
  await expect(dialog.getByText("Demo", { exact: true })).toBeVisible();
  const download = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download original" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);
  await dialog.getByRole("button", { name: "Close" }).click();

  // Reuse settings fills the form.
  await again.getByRole("button", { name: "Reuse settings" }).click();
  await expect(page.getByLabel("Prompt")).toHaveValue(prompt);
  await expect(page.getByLabel("Seed value")).toHaveValue("1234");
});

test("the prompt counter counts emoji as two, as the server does, and the form shows its refusal", async ({
  page,
  signIn,
}) => {
  await signIn();
  const prompt = page.getByLabel("Prompt");
  await prompt.fill("🎨".repeat(2000));
  await expect(page.getByText("4000 / 4000")).toBeVisible();
  await prompt.fill(`${"🎨".repeat(2000)}𝒜`);
  await expect(page.getByText("4002 / 4000")).toBeVisible();
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByText(/at most 4000 characters \(this one counts 4002/).first()).toBeVisible();
});

test("with the safety checker enforced (production's default) the form does not offer it", async ({ page, signIn }) => {
  await signIn();
  await expect(page.getByLabel("Prompt")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Safety checker" })).toHaveCount(0);
});

test("a submission refused for lack of credits shows the balance another tab left, in the form and the header", async ({
  page,
  context,
  signIn,
}) => {
  await signIn();
  const header = page.getByTestId("balance");
  const form = page.getByTestId("form-balance");
  await expect(header).toHaveText(/balance: 40 credits/);
  await expect(form).toHaveText("40");

  // Another tab of the same account spends 32 of the 40 credits; this one is not told.
  const other = await context.newPage();
  const otherStudio = new StudioPage(other);
  await otherStudio.goto();
  for (const prompt of ["The first spend", "The second spend"]) {
    await otherStudio.generate({ prompt, images: 4 });
    await expect(otherStudio.card(prompt)).toBeVisible();
  }
  await other.close();
  await expect(header).toHaveText(/balance: 40 credits/);

  await new StudioPage(page).generate({ prompt: "One spend too many", images: 4 });
  await expect(page.getByText("This needs 16 credits and your balance is 8.")).toBeVisible();
  await expect(form).toHaveText("8");
  await expect(header).toHaveText(/balance: 8 credits/);
});
