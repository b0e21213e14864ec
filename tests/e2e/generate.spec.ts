import { expect, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

// The studio with AIML_API_KEY set, against the local server speaking the AI/ML API protocol.
test.describe("generating against the upstream", () => {
  test("images arrive, are not labelled Demo, and are still there after a reload", async ({ page, signIn }) => {
    await signIn();
    const studio = new StudioPage(page);
    const prompt = "A red kite over the sea, watercolour";
    await studio.generate({ prompt, images: 2 });
    await expect(studio.card(prompt)).toBeVisible();
    const card = await studio.expectCompleted(prompt, 2);
    await expect(card.getByText("Demo", { exact: true })).toHaveCount(0);
    await expect(card.getByText("8 credits charged")).toBeVisible();

    await page.reload();
    await studio.expectCompleted(prompt, 2);
  });

  test("a failure upstream shows the reason and the refund, and Ctrl+Enter submits", async ({ page, signIn }) => {
    await signIn();
    const balance = page.getByTestId("balance");
    const before = await balance.textContent();
    const prompt = "[[status:500]] a storm";
    await page.getByLabel("Prompt").fill(prompt);
    await page.getByLabel("Prompt").press("Control+Enter");
    const card = new StudioPage(page).card(prompt);
    await expect(card).toHaveAttribute("data-status", "FAILED", { timeout: 30_000 });
    await expect(card.getByText("The image service had a problem making your images.")).toBeVisible();
    await expect(card.getByText("Refunded 4 credits")).toBeVisible();
    await expect(balance).toHaveText(before ?? "");
  });

  test("with SAFETY_CHECKER=user-choice the form offers the safety checker, on by default", async ({
    page,
    signIn,
  }) => {
    await signIn();
    await expect(page.getByRole("checkbox", { name: "Safety checker" })).toBeChecked();
  });
});
