// Reference images in the studio, on the demo stack: upload two with the file picker, reorder and
// remove one, see refusals of a renamed SVG and a 12 MB file, then "Use as reference" from the
// history and from a generation's page lands in the studio with that image in the form.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import sharp from "sharp";
import { postChunked } from "../support/chunked-post";
import { expect, test } from "../support/fixtures";
import { StudioPage } from "../support/studio-page";

const solid = (background: string) =>
  sharp({ create: { width: 96, height: 64, channels: 3, background } })
    .png()
    .toBuffer();

const picker = (page: Page) => page.getByRole("group", { name: /Reference images/ });
const sentIds = (page: Page) =>
  page
    .locator('input[type="hidden"][name="referenceIds"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));

async function expectLoaded(page: Page, count: number) {
  const images = picker(page).getByRole("list", { name: "References" }).getByRole("img");
  await expect(images).toHaveCount(count);
  for (const img of await images.all()) {
    await expect(img).toHaveJSProperty("complete", true);
    expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
  }
}

test("references: upload two, reorder, remove one; refusals are explained", async ({ page, signIn }) => {
  await signIn();
  await page.goto("/studio");
  // The default model takes no references: the picker comes with one that does.
  await expect(picker(page)).toHaveCount(0);
  await new StudioPage(page).chooseModel("Seedream 4.0 Edit");
  await expect(picker(page).getByText("0 of 10 references")).toBeVisible();

  await page.getByLabel("Add reference images").setInputFiles([
    { name: "red.png", mimeType: "image/png", buffer: await solid("#d33") },
    { name: "blue.png", mimeType: "image/png", buffer: await solid("#33d") },
  ]);
  await expect(picker(page).getByText("2 of 10 references")).toBeVisible();
  await expectLoaded(page, 2);
  const [red, blue] = await sentIds(page);
  expect(red).toBeTruthy();
  expect(blue).toBeTruthy();

  await page.getByRole("button", { name: "Move reference 1 right" }).click();
  await expect.poll(() => sentIds(page)).toEqual([blue, red]);
  await expect(page.getByRole("button", { name: "Move reference 1 left" })).toBeDisabled();

  await page.getByRole("button", { name: "Remove reference 1" }).click();
  await expect(picker(page).getByText("1 of 10 references")).toBeVisible();
  await expect.poll(() => sentIds(page)).toEqual([red]);
  // Uploaded in this form and removed before any generation used it: deleted with its files.
  await expect.poll(async () => (await page.request.get(`/api/references/${blue}`)).status()).toBe(404);
  expect((await page.request.get(`/api/references/${red}?variant=thumb`)).status()).toBe(200);

  // An SVG named .png is refused by the server, which reads the bytes.
  await page.getByLabel("Add reference images").setInputFiles({
    name: "cat.png",
    mimeType: "image/png",
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'),
  });
  await expect(picker(page).getByRole("alert").filter({ hasText: "cat.png" })).toContainText(
    "Only PNG, JPEG and WebP images can be references.",
  );
  // A file over 10 MB is refused before it is sent.
  await page.getByLabel("Add reference images").setInputFiles({
    name: "huge.png",
    mimeType: "image/png",
    buffer: Buffer.alloc(12 * 1024 * 1024),
  });
  await expect(picker(page).getByRole("alert").filter({ hasText: "huge.png" })).toContainText(
    "This image is larger than 10 MB.",
  );
  await expect(picker(page).getByText("1 of 10 references")).toBeVisible();

  // The edit is made with the reference the form holds.
  await page.getByLabel("Prompt").fill(`A teapot beside its reference ${randomBytes(3).toString("hex")}`);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByText("Generation started.")).toBeAttached();
});

test("references: Use as reference from the history and from a generation's page", async ({ page, signIn }) => {
  await signIn();
  const prompt = `A lighthouse to edit ${randomBytes(3).toString("hex")}`;
  await page.goto("/studio");
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();

  await page.goto("/history");
  const card = page.getByRole("list", { name: "Generations" }).getByRole("article").first();
  await expect(async () => {
    await page.reload();
    await expect(card.getByText("Completed", { exact: true })).toBeVisible();
  }).toPass({ timeout: 30_000 });

  await card.getByRole("button", { name: "Use as reference" }).click();
  await expect(page).toHaveURL(/\/studio\?reference=[A-Za-z0-9_-]+$/);
  // The studio opens on a model that takes references, holding this one.
  await expect(page.getByRole("combobox", { name: "Model" })).toHaveValue("bytedance/seedream-v4-edit");
  await expect(picker(page).getByText("1 of 10 references")).toBeVisible();
  await expectLoaded(page, 1);
  const fromCard = new URL(page.url()).searchParams.get("reference");
  expect(await sentIds(page)).toEqual([fromCard]);

  // The same image from its generation's page is the same reference.
  await page.goto("/history");
  await card.getByRole("link").click();
  await expect(page.getByTestId("generation-prompt")).toHaveText(prompt);
  await page.getByRole("button", { name: "Use as reference (image 1)" }).click();
  await expect(page).toHaveURL(new RegExp(`/studio\\?reference=${fromCard}$`));
  await expectLoaded(page, 1);
});

// Through the running server: were proxy.ts to see this route, Next would hand it a copy of the body
// silently cut at 10 MB, and this upload (a small PNG followed by zeros) would be stored (201).
// Sent in chunks without a length, so only the streamed cap can refuse it.
test("references: a 12 MB upload in chunks, without a length, is refused with 413", async ({ page, signIn }) => {
  await signIn();
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const head = await solid("#999");
  const answer = await postChunked({
    path: "/api/references",
    headers: { cookie, "content-type": "application/octet-stream" },
    head,
    totalBytes: 12 * 1024 * 1024,
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body)).toEqual({
    error: {
      code: "too_large",
      message: "This image is larger than 10 MB. Export it smaller (or as JPEG) and add it again.",
    },
  });
});
