import { expect, type Locator, type Page } from "@playwright/test";

/** The Studio page as a person uses it: the form, and the cards of their generations. */
export class StudioPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/studio");
  }

  /** Chooses a model in the picker by its label; returns its price per image as the picker shows it. */
  async chooseModel(label: string): Promise<number> {
    const picker = this.page.getByRole("combobox", { name: "Model" });
    const option = picker.getByRole("option", { name: new RegExp(`^${label} · \\d+ credits per image$`) });
    const text = (await option.textContent()) ?? "";
    await picker.selectOption({ label: text });
    return Number(text.match(/· (\d+) credits per image/)?.[1]);
  }

  /** Adds reference images with the file picker and waits until the form holds them all. */
  async addReferences(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.page.getByLabel("Add reference images").setInputFiles(files);
    const list = this.page.getByRole("group", { name: /Reference images/ }).getByRole("list", { name: "References" });
    await expect(list.getByRole("img")).toHaveCount(files.length);
  }

  async generate(options: { prompt: string; images?: number; seed?: number }) {
    await this.page.getByLabel("Prompt").fill(options.prompt);
    if (options.images) {
      // The radio is visually hidden behind its numbered label: click what a person sees.
      const radio = this.page.getByRole("radio", {
        name: options.images === 1 ? "1 image" : `${options.images} images`,
      });
      await this.page.locator("label", { has: radio }).click();
      await expect(radio).toBeChecked();
    }
    if (options.seed) {
      await this.page.getByRole("radio", { name: "Fixed" }).check();
      await this.page.getByLabel("Seed value").fill(String(options.seed));
    }
    await this.page.getByRole("button", { name: "Generate" }).click();
  }

  /** The newest card whose prompt matches. */
  card(prompt: string): Locator {
    return this.page.getByRole("article", { name: `Generation: ${prompt.slice(0, 80)}` }).first();
  }

  async expectCompleted(prompt: string, images: number) {
    const card = this.card(prompt);
    await expect(card).toHaveAttribute("data-status", "COMPLETED", { timeout: 30_000 });
    await expect(card.getByRole("img")).toHaveCount(images);
    // Polled as one condition: the card swaps the original for its thumbnail when that arrives, so
    // an image may be complete, then loading its new source, between two separate checks.
    for (const img of await card.getByRole("img").all()) {
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    }
    return card;
  }
}
