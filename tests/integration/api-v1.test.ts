import { APIError, AuthenticationError, NotFoundError, PermissionDeniedError, RateLimitError } from "openai";
import { describe, expect, it } from "vitest";
import { createUser } from "../support/db";
import { balanceOf, expectLedgerBalanced } from "../support/generations";
import { openV1Test } from "../support/v1-server";

// The public API driven by the official `openai` client (and plain fetch where the client has no
// verb), against the shipped /v1 handlers on real PostgreSQL, with the job workers making images
// from the demo source. Seedream 4.0 costs 4 credits an image.

const { db, server, keyFor, client } = await openV1Test({ max: 30, workers: 4 });

function call(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe("POST /v1/images/generations with the openai client", () => {
  it("returns n images as signed links that work without a key, and charges n × 4 credits", async () => {
    const user = await createUser(db, { credits: 40 });
    const openai = client(await keyFor(user.id));
    const result = await openai.images.generate({ prompt: "a red fox in fresh snow", n: 2, size: "1024x1024" });
    expect(result.data).toHaveLength(2);
    for (const image of result.data ?? []) {
      expect(image.url).toMatch(/\/v1\/files\/[a-z0-9]+\?expires=\d+&signature=/);
      const response = await fetch(image.url ?? "");
      expect(response.status).toBe(200);
      expect([...new Uint8Array(await response.arrayBuffer()).slice(0, 4)]).toEqual(PNG_MAGIC);
    }
    expect(await balanceOf(db, user.id)).toBe(32);
    await expectLedgerBalanced(db);
  });

  it("answers b64_json with the image bytes", async () => {
    const user = await createUser(db, { credits: 40 });
    const result = await client(await keyFor(user.id)).images.generate({
      prompt: "a lighthouse at dusk",
      response_format: "b64_json",
    });
    const bytes = Buffer.from(result.data?.[0]?.b64_json ?? "", "base64");
    expect([...bytes.subarray(0, 4)]).toEqual(PNG_MAGIC);
    expect(result.data?.[0]?.revised_prompt).toBeNull();
  });

  it("refuses a tampered or expired image link", async () => {
    const user = await createUser(db, { credits: 40 });
    const result = await client(await keyFor(user.id)).images.generate({ prompt: "a small boat" });
    const url = new URL(result.data?.[0]?.url ?? "");
    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    const past = new URL(url);
    past.searchParams.set("expires", "1000");
    expect((await fetch(past)).status).toBe(403);
  });

  it("throws AuthenticationError for an unknown, malformed or revoked key, and for a session cookie alone", async () => {
    const user = await createUser(db, { credits: 40 });
    await expect(client(`atl_${"A".repeat(43)}`).images.generate({ prompt: "x" })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    await expect(client("sk-not-ours").images.generate({ prompt: "x" })).rejects.toBeInstanceOf(AuthenticationError);
    const key = await keyFor(user.id);
    await db.apiKey.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    await expect(client(key).images.generate({ prompt: "x" })).rejects.toBeInstanceOf(AuthenticationError);
    const cookieOnly = await call("/v1/balance", { headers: { cookie: "authjs.session-token=anything" } });
    expect(cookieOnly.status).toBe(401);
    expect(await cookieOnly.json()).toMatchObject({
      error: { code: "missing_api_key", type: "invalid_request_error" },
    });
    expect(await balanceOf(db, user.id)).toBe(40);
  });

  it("answers 402 naming the balance and the cost when credits are short, and charges nothing", async () => {
    const user = await createUser(db, { credits: 6 });
    const error = await client(await keyFor(user.id))
      .images.generate({ prompt: "two cats", n: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(402);
    expect((error as APIError).message).toContain("This needs 8 credits and your balance is 6");
    expect(await balanceOf(db, user.id)).toBe(6);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses a key without the generate scope, and bad parameters, with the parameter named", async () => {
    const user = await createUser(db, { credits: 40 });
    await expect(client(await keyFor(user.id, ["read"])).images.generate({ prompt: "x" })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const key = await keyFor(user.id);
    const tooMany = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", n: 9 }),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { param: "n", type: "invalid_request_error" } });
    const unknown = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", quality: "hd" }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { param: "quality", message: "Unknown parameter: quality." } });
    const smallSize = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", size: "256x256" }),
    });
    expect(smallSize.status).toBe(400);
    expect(await smallSize.json()).toMatchObject({ error: { param: "size" } });
    const notJson = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expect(await balanceOf(db, user.id)).toBe(40);
  });

  it("takes any text-to-image model of the registry, and maps size to that model's own rules", async () => {
    const user = await createUser(db, { credits: 100 });
    const key = await keyFor(user.id);
    const post = (body: Record<string, unknown>) =>
      call("/v1/images/generations", {
        method: "POST",
        key,
        headers: { "content-type": "application/json", prefer: "respond-async" },
        body: JSON.stringify(body),
      });
    const next = "bytedance/seedream-4-5";
    // "WxH" within 4.5's range (1440-4096) is a custom size; it makes one call per image (6 credits each).
    const made = await client(key).images.generate({ model: next, prompt: "a red fox", n: 2, size: "1440x1600" });
    expect(made.data).toHaveLength(2);
    const row = await db.generation.findFirstOrThrow({ where: { userId: user.id, model: next } });
    expect(row).toMatchObject({ sizePreset: null, width: 1440, height: 1600, chargedCredits: 12, providerCalls: 2 });
    // "auto" is the model's default size ("2K"); its own preset names go in image_size.
    const auto = await post({ model: next, prompt: "x", size: "auto" });
    expect(auto.status).toBe(202);
    expect(await auto.json()).toMatchObject({ model: next, image_size: "2K", size: "2048x2048" });
    // Outside the model's rules: the parameter is named, nothing is charged.
    const small = await post({ model: next, prompt: "x", size: "1024x1024" });
    expect(small.status).toBe(400);
    expect(await small.json()).toMatchObject({
      error: { param: "size", message: "Width must be at least 1440 pixels." },
    });
    const preset = await post({ model: next, prompt: "x", image_size: "square_hd" });
    expect(await preset.json()).toMatchObject({ error: { param: "image_size" } });
    // Models that need an image are not text to image: refused by name.
    for (const model of ["bytedance/seedream-v4-edit", "bytedance/dreamina-creative-upscale"]) {
      const refused = await post({ model, prompt: "x" });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { param: "model", message: expect.stringContaining(next) } });
    }
    expect(await balanceOf(db, user.id)).toBe(100 - 12 - 6);
  });

  it("with Prefer: respond-async answers 202 and a Location to poll until completed", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const accepted = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify({ prompt: "a paper crane", n: 1, seed: 7 }),
    });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get("location") ?? "";
    const body = (await accepted.json()) as { id: string; status: string };
    expect(location).toBe(`/v1/generations/${body.id}`);
    expect(["queued", "running"]).toContain(body.status);
    let polled: { status: string; images: unknown[]; credits: { charged: number }; seed: number | null };
    for (;;) {
      polled = await (await call(location, { key })).json();
      if (polled.status === "completed" || polled.status === "failed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(polled).toMatchObject({ status: "completed", credits: { charged: 4 }, seed: 7 });
    expect(polled.images).toHaveLength(1);
  });
});

describe("Idempotency-Key", () => {
  it("the same request sent 10 times at once is one generation, charged once", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const send = () =>
      call("/v1/images/generations", {
        method: "POST",
        key,
        headers: { "content-type": "application/json", "idempotency-key": "order-42", prefer: "respond-async" },
        body: JSON.stringify({ prompt: "a teapot", n: 2 }),
      });
    const responses = await Promise.all(Array.from({ length: 10 }, send));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    expect(new Set(ids).size).toBe(1);
    expect(await db.generation.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.creditMovement.count({ where: { userId: user.id, kind: "RESERVE" } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(32);

    // The same key with another body is a conflict, and moves nothing.
    const other = await call("/v1/images/generations", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "idempotency-key": "order-42" },
      body: JSON.stringify({ prompt: "a different teapot", n: 2 }),
    });
    expect(other.status).toBe(409);
    expect(await balanceOf(db, user.id)).toBe(32);
  });

  it("a key older than 24 hours names a new request", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const send = () =>
      call("/v1/images/generations", {
        method: "POST",
        key,
        headers: { "content-type": "application/json", "idempotency-key": "daily", prefer: "respond-async" },
        body: JSON.stringify({ prompt: "a clock" }),
      }).then(async (r) => ((await r.json()) as { id: string }).id);
    const first = await send();
    await db.apiIdempotencyKey.updateMany({
      where: { userId: user.id },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    const second = await send();
    expect(second).not.toBe(first);
  });
});

describe("reading", () => {
  it("another user's generation is 404, as is a malformed id", async () => {
    const owner = await createUser(db, { credits: 40 });
    const other = await createUser(db, { credits: 40 });
    const result = await call("/v1/images/generations", {
      method: "POST",
      key: await keyFor(owner.id),
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify({ prompt: "a secret garden" }),
    });
    const { id } = (await result.json()) as { id: string };
    const otherKey = await keyFor(other.id);
    await expect(client(otherKey).get(`/generations/${id}`)).rejects.toBeInstanceOf(NotFoundError);
    for (const bad of ["%00", "..%2F..%2Fetc", "x".repeat(5000), "🎨"]) {
      const response = await call(`/v1/generations/${bad}`, { key: otherKey });
      expect(response.status).toBe(404);
    }
    const list = (await (await call("/v1/generations", { key: otherKey })).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
  });

  it("lists the caller's generations newest first with filters, search and a keyset cursor", async () => {
    const user = await createUser(db, { credits: 100 });
    const key = await keyFor(user.id);
    for (const prompt of ["a blue whale", "a green frog", "a blue bird"]) {
      await call("/v1/images/generations", {
        method: "POST",
        key,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt }),
      });
    }
    type Page = { data: { prompt: string; status: string }[]; has_more: boolean; next_cursor: string | null };
    const first = (await (await call("/v1/generations?limit=2", { key })).json()) as Page;
    expect(first.data.map((g) => g.prompt)).toEqual(["a blue bird", "a green frog"]);
    expect(first.has_more).toBe(true);
    const second = (await (await call(`/v1/generations?limit=2&cursor=${first.next_cursor}`, { key })).json()) as Page;
    expect(second.data.map((g) => g.prompt)).toEqual(["a blue whale"]);
    expect(second.has_more).toBe(false);
    const blue = (await (await call("/v1/generations?q=blue&status=completed", { key })).json()) as Page;
    expect(blue.data.map((g) => g.prompt)).toEqual(["a blue bird", "a blue whale"]);
    // None of these was made from reference images (tests/integration/history-queries.test.ts has ones that were).
    const edits = (await (await call("/v1/generations?edits=true", { key })).json()) as Page;
    expect(edits.data).toEqual([]);
    const notOnlyEdits = (await (await call("/v1/generations?edits=false", { key })).json()) as Page;
    expect(notOnlyEdits.data).toHaveLength(3);
    const badCursor = await call("/v1/generations?cursor=nonsense", { key });
    expect(badCursor.status).toBe(400);
  });

  it("GET /v1/balance shows the balance and recent movements; every answer has X-Request-Id", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id, ["read"]);
    const response = await call("/v1/balance", { key, headers: { "x-request-id": "my-trace-1" } });
    expect(response.headers.get("x-request-id")).toBe("my-trace-1");
    expect(await response.json()).toMatchObject({
      object: "balance",
      credits: 40,
      movements: [{ kind: "grant", amount: 40, balance_after: 40 }],
    });
    const unauthenticated = await call("/v1/balance");
    expect(unauthenticated.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });
});

describe("rate limits per key", () => {
  it("counts every request of a key, says how many are left, and throws RateLimitError past the limit", async () => {
    const user = await createUser(db, { credits: 40 });
    const key = await keyFor(user.id);
    const first = await call("/v1/balance", { key });
    expect(first.headers.get("x-ratelimit-limit")).toBe("120");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("119");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    for (let batch = 0; batch < 7; batch++) {
      await Promise.all(Array.from({ length: 17 }, () => call("/v1/balance", { key })));
    }
    const error = await client(key)
      .images.generate({ prompt: "one too many" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(Number((error as RateLimitError).headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(await balanceOf(db, user.id)).toBe(40);
    // Another key of the same user has a budget of its own.
    expect((await call("/v1/balance", { key: await keyFor(user.id) })).status).toBe(200);
  });
});
