import { randomBytes } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { CONTROL_URL } from "./constants";

/** Waits for the newest mail the studio sent to `email` (through the stack's SMTP server). */
export async function latestMailTo(email: string, after = 0): Promise<{ subject: string; text: string }> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${CONTROL_URL}/mail?to=${encodeURIComponent(email)}`);
    if (res.ok) {
      const mail = (await res.json()) as { subject: string; text: string; receivedAt: number };
      if (mail.receivedAt > after) return mail;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no mail reached ${email}`);
}

export function magicLinkIn(text: string): string {
  const link = text.match(/https?:\/\/\S+\/api\/auth\/callback\/email\S*/)?.[0];
  if (!link) throw new Error(`no sign-in link in mail:\n${text}`);
  return link;
}

export function newEmail(prefix = "user"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.com`;
}

export class SignInPage {
  constructor(private readonly page: Page) {}

  async requestLink(email: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByRole("button", { name: "Email me a sign-in link" }).click();
  }
}

/** Signs a new user in through a real magic link and waits for the page they land on. */
export async function signInByEmail(page: Page, options: { email?: string; startAt?: string } = {}): Promise<string> {
  const email = options.email ?? newEmail();
  const sentAfter = Date.now();
  await page.goto(options.startAt ?? "/signin");
  await new SignInPage(page).requestLink(email);
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const mail = await latestMailTo(email, sentAfter - 1);
  await page.goto(magicLinkIn(mail.text));
  await expect(page.getByTestId("user-email")).toHaveText(email);
  return email;
}

/** Goes through the local OpenID provider's development login and consent screens as `email`. */
export async function continueWithOidc(page: Page, email: string): Promise<void> {
  await page.getByRole("button", { name: "Continue with Local OpenID" }).click();
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: /sign-in/i }).click();
  await page.getByRole("button", { name: /continue/i }).click();
}

export const test = base.extend<{ signIn: (options?: { email?: string; startAt?: string }) => Promise<string> }>({
  signIn: async ({ page }, use) => {
    await use((options) => signInByEmail(page, options));
  },
});

export { expect };
