import http from "node:http";
import { RateLimitError, toFile } from "openai";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { EDITS_AT_ONCE_PER_USER, editSlotsOf } from "../../lib/api/edits";
import { createUser } from "../support/db";
import { balanceOf, expectLedgerBalanced } from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";
import { openV1Test } from "../support/v1-server";

// What one account can make the server hold through POST /v1/images/edits: its files count against
// the same upload limit as the studio's picker (here 3 per 10 minutes), and only two of its edits
// are read at once in a process (each body may be ~141 MB); the others wait, unread.

await openTestUpstream({ maxRetries: 0, env: { RATE_LIMIT_REFERENCE_UPLOADS_PER_USER: "3/10m" } });

const { db, server, keyFor, client } = await openV1Test();

async function png(background: string) {
  const bytes = await sharp({ create: { width: 24, height: 24, channels: 3, background } })
    .png()
    .toBuffer();
  return toFile(bytes, `${background.slice(1)}.png`, { type: "image/png" });
}

describe("limits of POST /v1/images/edits", () => {
  it("counts each file as a reference upload: past the limit the edit is refused, nothing stored or charged", async () => {
    const user = await createUser(db, { credits: 40 });
    const api = client(await keyFor(user.id));
    await api.images.edit({ image: [await png("#aa2200"), await png("#22aa00")], prompt: "two of three uploads" });

    const refused = await api.images
      .edit({ image: [await png("#0022aa"), await png("#aaaa00")], prompt: "four of three uploads" })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    if (!(refused instanceof RateLimitError)) throw refused;
    expect(refused.message).toContain("Too many reference images uploaded. Try again in 10 minutes.");
    expect(Number(refused.headers?.get("retry-after"))).toBeGreaterThan(0);

    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(2);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(36);
    await expectLedgerBalanced(db);
  });

  it("reads two edits of one account at once; a third waits unread until one of them ends", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const boundary = "atelier-test-boundary";
    const headers = {
      authorization: `Bearer ${key}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    };
    // Bodies that start and never finish: the server is reading them, as from a slow upload.
    const held = Array.from({ length: EDITS_AT_ONCE_PER_USER }, () => {
      const request = http.request(`${server.url}/v1/images/edits`, { method: "POST", headers });
      request.on("error", () => undefined);
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nslow`);
      return request;
    });
    try {
      await expect.poll(() => editSlotsOf(user.id).running, { timeout: 15_000 }).toBe(EDITS_AT_ONCE_PER_USER);

      // A complete edit (without a prompt: refused with 400 once it is read) waits for a slot.
      let answered = false;
      const third = fetch(`${server.url}/v1/images/edits`, {
        method: "POST",
        headers,
        body: `--${boundary}\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n--${boundary}--\r\n`,
      }).then((response) => {
        answered = true;
        return response;
      });
      await expect.poll(() => editSlotsOf(user.id).waiting, { timeout: 15_000 }).toBe(1);
      expect(answered).toBe(false);

      held[0]?.destroy();
      const response = await third;
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
      held[1]?.destroy();
      await expect.poll(() => editSlotsOf(user.id), { timeout: 15_000 }).toEqual({ running: 0, waiting: 0 });
      expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      // A failed check must not leave the server waiting on a body forever.
      for (const request of held) request.destroy();
    }
    expect(await balanceOf(db, user.id)).toBe(40);
  });
});
