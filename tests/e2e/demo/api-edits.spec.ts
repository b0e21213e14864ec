// POST /v1/images/edits through the running Next server (demo stack): the official `openai` client
// edits with a key made on the settings page, and a 12 MB file is refused by the route's own cap.
// Were proxy.ts to see this path, Next would hand the route a copy of the body cut at 10 MB (and
// the proxy's server-action guard would refuse a body without a length with 411).
import OpenAI, { toFile } from "openai";
import sharp from "sharp";
import { postChunked } from "../support/chunked-post";
import { DEMO_URL } from "../support/constants";
import { expect, test } from "../support/fixtures";

test("API edits: images.edit works with a key from the settings page; a 12 MB file in chunks is a 413", async ({
  page,
  signIn,
}) => {
  await signIn();
  await page.goto("/settings/api-keys");
  await page.getByLabel("Name").fill("e2e-edits");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByLabel("Your new key “e2e-edits”").inputValue();
  expect(secret).toMatch(/^atl_/);

  const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#2a6" } })
    .png()
    .toBuffer();
  const openai = new OpenAI({ apiKey: secret, baseURL: `${DEMO_URL}/v1`, maxRetries: 0, timeout: 120_000 });
  const result = await openai.images.edit({
    image: await toFile(photo, "photo.png", { type: "image/png" }),
    prompt: "the same square at night",
  });
  expect(result.data).toHaveLength(1);
  expect((await fetch(result.data?.[0]?.url ?? "")).status).toBe(200);

  const boundary = "e2eboundary";
  const head = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nbig\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    photo,
  ]);
  const answer = await postChunked({
    path: "/v1/images/edits",
    headers: { authorization: `Bearer ${secret}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    head,
    totalBytes: 12 * 1024 * 1024,
    tail: `\r\n--${boundary}--\r\n`,
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body)).toMatchObject({
    error: {
      type: "invalid_request_error",
      code: "image_too_large",
      param: "image",
      message: "The image: This image is larger than 10 MB. Export it smaller (or as JPEG) and add it again.",
    },
  });
});
