import type { Page, Request } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

// How the studio page learns that a generation finished: the event stream, polling only while the
// stream is down, "reconnecting" while neither answers, and silence when nothing is pending.
// The fake upstream's [[slow:MS]] keeps a generation pending for as long as a test needs.

const EVENTS = "**/api/generations/events**";
const STATUS = "**/api/generations/status**";

/** Counts the page's requests to the event stream and to the status route. */
function countRequests(page: Page) {
  const counts = { events: 0, status: 0, all: 0 };
  page.on("request", (request: Request) => {
    const path = new URL(request.url()).pathname;
    counts.all += 1;
    if (path === "/api/generations/events") counts.events += 1;
    if (path === "/api/generations/status") counts.status += 1;
  });
  return counts;
}

const unavailable = { status: 503, headers: { "retry-after": "5" }, json: { error: "unavailable" } };

test("with the stream down the card still completes by polling, and the stream is used again once it is back", async ({
  page,
  signIn,
}) => {
  await signIn();
  const studio = new StudioPage(page);
  const counts = countRequests(page);

  await page.route(EVENTS, (route) => route.fulfill(unavailable));
  const first = "[[slow:1500]] A lantern in the fog";
  await studio.generate({ prompt: first, images: 1 });
  await studio.expectCompleted(first, 1);
  expect(counts.events).toBeGreaterThan(0);
  expect(counts.status).toBeGreaterThan(0);

  await page.unroute(EVENTS);
  // The first card is followed until its thumbnails arrive, by polling while its stream waits out its backoff:
  // start counting once those polls have stopped (none for 2 s; the poll interval is 500 ms).
  await expect
    .poll(
      async () => {
        const seen = counts.status;
        await page.waitForTimeout(2000);
        return counts.status === seen;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const before = { ...counts };
  const second = "[[slow:1500]] A lantern by the river";
  await studio.generate({ prompt: second, images: 1 });
  await studio.expectCompleted(second, 1);
  expect(counts.events).toBeGreaterThan(before.events);
  // Completed by the stream alone: not one poll.
  expect(counts.status).toBe(before.status);
});

test("while the studio is unreachable a pending card keeps its state, says it is reconnecting, and recovers without a reload", async ({
  page,
  signIn,
}) => {
  await signIn();
  const studio = new StudioPage(page);
  // What the routes answer during a database outage.
  await page.route(EVENTS, (route) => route.fulfill(unavailable));
  await page.route(STATUS, (route) => route.fulfill(unavailable));

  const prompt = "[[slow:1000]] A bridge in the rain";
  await studio.generate({ prompt, images: 1 });
  const card = studio.card(prompt);
  await expect(card.getByRole("status")).toContainText("Reconnecting to the studio");
  await expect(card).toHaveAttribute("data-status", /QUEUED|RUNNING/);
  await expect(card.getByRole("list", { name: "Images on the way" })).toBeVisible();

  await page.unroute(EVENTS);
  await page.unroute(STATUS);
  await studio.expectCompleted(prompt, 1);
  await expect(card.getByText("Reconnecting to the studio")).toHaveCount(0);
});

test("when the session has ended the page says to sign in again and stops asking", async ({ page, signIn }) => {
  await signIn();
  const studio = new StudioPage(page);
  const counts = countRequests(page);
  // What the routes answer once the session is gone (signed out in another tab, expired, revoked).
  const signedOut = { status: 401, json: { error: { code: "unauthenticated", message: "Sign in again." } } };
  await page.route(EVENTS, (route) => route.fulfill(signedOut));
  await page.route(STATUS, (route) => route.fulfill(signedOut));

  const prompt = "[[slow:4000]] A harbour at night";
  await studio.generate({ prompt, images: 1 });
  const alert = page.getByRole("alert").filter({ hasText: "Your session has ended" });
  await expect(alert).toBeVisible();
  await expect(alert.getByRole("link", { name: "Sign in again" })).toHaveAttribute(
    "href",
    "/signin?callbackUrl=%2Fstudio",
  );
  // Not "reconnecting": that would wait forever for a session that is gone.
  await expect(studio.card(prompt).getByText("Reconnecting to the studio")).toHaveCount(0);
  const asked = counts.status + counts.events;
  await page.waitForTimeout(2000);
  expect(counts.status + counts.events).toBe(asked);
});

test("the history grid follows a generation that completes on it, then swaps in its thumbnail when it comes", async ({
  page,
  signIn,
}) => {
  await signIn();
  const studio = new StudioPage(page);
  const tag = `A kite over the sea ${Date.now()}`;
  const prompt = `[[slow:3000]] ${tag}`;
  await studio.generate({ prompt, images: 1 });
  await expect(studio.card(prompt)).toHaveAttribute("data-status", /QUEUED|RUNNING/);
  await page.goto("/history");
  const card = page.getByRole("list", { name: "Generations" }).getByRole("article").filter({ hasText: tag });
  await expect(card.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
  // The original stands in until the follow-up job has made the thumbnail; then, without a reload, the card uses it.
  await expect(card.locator("img")).toHaveAttribute("src", /\?variant=thumb$/, { timeout: 30_000 });
});

test("an open page with nothing pending makes no requests", async ({ page, signIn }) => {
  await page.clock.install();
  await signIn();
  const studio = new StudioPage(page);
  const prompt = "A quiet garden";
  await studio.generate({ prompt, images: 1 });
  await studio.expectCompleted(prompt, 1);
  await page.waitForLoadState("networkidle");

  const counts = countRequests(page);
  // Ten minutes of the page's timers, at once.
  await page.clock.runFor(10 * 60_000);
  expect(counts.all).toBe(0);

  await page.goto("/history");
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const history = countRequests(page);
  await page.clock.runFor(10 * 60_000);
  expect(history.all).toBe(0);
});
