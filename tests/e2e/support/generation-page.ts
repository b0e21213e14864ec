import { expect, type Locator, type Page } from "@playwright/test";

/** A generation's detail page (/history/:id) as a person uses it. */
export class GenerationPage {
  constructor(private readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/history/${id}`);
  }

  /** The id in the address bar. */
  id(): string {
    const id = new URL(this.page.url()).pathname.split("/").pop();
    if (!id) throw new Error(`not a generation's page: ${this.page.url()}`);
    return id;
  }

  madeFrom(): Locator {
    return this.page.getByRole("region", { name: "Made from" });
  }

  usedIn(): Locator {
    return this.page.getByRole("region", { name: "Used in" });
  }

  /** Waits (the page refreshes itself live) until the generation has completed. */
  async expectCompleted() {
    await expect(this.page.getByRole("heading", { name: "Generation", level: 1 })).toBeVisible();
    await expect(this.page.getByRole("article").getByText("Completed", { exact: true }).first()).toBeVisible({
      timeout: 30_000,
    });
  }

  /** Upscales image `n` (1-based) at a resolution ("2K", "4K"); returns the price the button showed. */
  async upscale(n: number, resolution: string): Promise<number> {
    await this.page.getByRole("button", { name: `Upscale (image ${n})`, exact: true }).click();
    await this.page.getByRole("radio", { name: resolution, exact: true }).check();
    const submit = this.page.getByRole("button", { name: new RegExp(`^Upscale to ${resolution} · \\d+ credits`) });
    const credits = Number((await submit.textContent())?.match(/· (\d+) credits/)?.[1]);
    await submit.click();
    return credits;
  }
}
