import { WEB_A_URL, WEB_B_URL } from "../support/constants";
import { expect, signInByEmail, test } from "../support/fixtures";
import { StudioPage } from "../support/studio-page";

// The documented scale-out (docs/deploy.md): two web servers started from the standalone bundle
// with `node server.js` and RUN_WORKERS=0, and a separate `npm run worker`, on one PostgreSQL.
// Neither web server runs jobs, so only the worker can finish what one of them accepted.

test("both web servers are ready: database, job queue and storage", async ({ request }) => {
  for (const url of [WEB_A_URL, WEB_B_URL]) {
    const res = await request.get(`${url}/api/ready`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, queue: { ok: true }, storage: { ok: true } },
    });
  }
});

test("a generation submitted on one web server is finished by the worker and seen on the other", async ({ page }) => {
  await signInByEmail(page, { startAt: `${WEB_A_URL}/signin` });
  const prompt = `Two windows, one room ${Date.now()}`;
  await page.goto(`${WEB_A_URL}/studio`);
  const studio = new StudioPage(page);
  await studio.generate({ prompt, images: 1 });
  await studio.expectCompleted(prompt, 1);

  // The session cookie belongs to the host, not the port: the same user on the other server.
  await page.goto(`${WEB_B_URL}/studio`);
  const card = await studio.expectCompleted(prompt, 1);
  await expect(card.getByText("Demo", { exact: true }).first()).toBeVisible();
});
