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

  test("the model picker: Seedream 4.5 shows its own sizes and price, and 2 images arrive from 2 calls", async ({
    page,
    signIn,
  }) => {
    await signIn();
    await page.getByLabel("Model").selectOption({ label: "Seedream 4.5 · 6 credits per image" });
    await expect(page.getByText(/Sharper detail and text/)).toBeVisible();
    // Its own sizes (2K, 4K or custom from 1440), not Seedream 4.0's presets; it has no safety checker field.
    await expect(page.getByRole("radio", { name: "2K, shape chosen by the model" })).toBeChecked();
    await expect(page.getByRole("radio", { name: /Square HD/ })).toHaveCount(0);
    await expect(page.getByRole("checkbox", { name: "Safety checker" })).toHaveCount(0);

    const studio = new StudioPage(page);
    const prompt = "Two herons in the reeds, ink on paper";
    await studio.generate({ prompt, images: 2 });
    const card = await studio.expectCompleted(prompt, 2);
    await expect(card.getByText("Seedream 4.5", { exact: true })).toBeVisible();
    await expect(card.getByText("12 credits charged")).toBeVisible();
  });
});
