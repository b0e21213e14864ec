import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Outgoing webhooks against a local receiver that verifies every request with the
// `standardwebhooks` package, on real PostgreSQL with the real job queue and workers.

type Received = { headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
let answers: number[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(answers.shift() ?? 200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
// Before anything reads the configuration: this receiver is the one allowed loopback endpoint.
process.env.WEBHOOK_TEST_URLS = receiverUrl;

const { createUser, openTestDb } = await import("../support/db");
const { balanceOf, openTestJobs, waitForSettled } = await import("../support/generations");
const { createWebhookEndpoint, MAX_WEBHOOK_ENDPOINTS, webhookUrlSchema } = await import("../../lib/webhooks/endpoints");
const { deliverWebhook } = await import("../../lib/webhooks/deliver");
const { submitGeneration } = await import("../../lib/generations/submit");
const { startBackgroundWork } = await import("../../lib/background");
const { randomUUID } = await import("node:crypto");

const testDb = await openTestDb({ max: 20 });
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: 30 });

beforeAll(async () => {
  process.env.RUN_WORKERS = "1";
  await startBackgroundWork();
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

async function waitFor<T>(check: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("registering endpoints", () => {
  it("accepts public https URLs only, and the configured test receiver", () => {
    const ok = (url: string) => webhookUrlSchema.safeParse(url).success;
    expect(ok("https://hooks.example.com/atelier")).toBe(true);
    expect(ok("http://hooks.example.com/atelier")).toBe(false);
    expect(ok("https://localhost/x")).toBe(false);
    expect(ok("https://10.0.0.5/x")).toBe(false);
    expect(ok("https://169.254.169.254/latest")).toBe(false);
    expect(ok("https://[::1]/x")).toBe(false);
    expect(ok("https://user:pass@hooks.example.com/x")).toBe(false);
    expect(ok(`${receiverUrl}/hook`)).toBe(true);
    expect(ok("http://127.0.0.1:1/hook")).toBe(false);
  });

  it(`allows at most ${MAX_WEBHOOK_ENDPOINTS} endpoints per user, even when added at once`, async () => {
    const user = await createUser(db);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createWebhookEndpoint(db, { userId: user.id, url: `https://h${i}.example.com/` }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "too_many_endpoints" });
  });
});

describe("delivering events", () => {
  it("sends generation.completed signed per Standard Webhooks, and retries a 500 until it is taken", async () => {
    const user = await createUser(db, { credits: 100 });
    const created = await createWebhookEndpoint(db, { userId: user.id, url: `${receiverUrl}/hook` });
    if (!created.ok) throw new Error(created.message);
    answers = [500];
    const before = received.length;
    const result = await submitGeneration({
      userId: user.id,
      input: { prompt: "a kite over the sea", numImages: 1, sizePreset: "square" },
      idempotencyKey: randomUUID(),
    });
    if (!result.ok) throw new Error(result.message);
    await waitForSettled(db, result.generation.id);

    const delivery = await waitFor(() =>
      db.webhookDelivery.findFirst({ where: { userId: user.id, status: "SUCCEEDED" } }),
    );
    expect(delivery).toMatchObject({ eventType: "generation.completed", attempts: 2, responseStatus: 200 });
    const requests = received.slice(before);
    expect(requests).toHaveLength(2);
    const verifier = new Webhook(created.endpoint.secret);
    for (const request of requests) {
      const payload = verifier.verify(request.body, {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      });
      expect(payload).toMatchObject({
        type: "generation.completed",
        data: { id: result.generation.id, status: "completed", images: 1, credits: { charged: 4, refunded: 0 } },
      });
      expect(request.headers["webhook-id"]).toBe(delivery.id);
    }
    // A forged body does not verify with the endpoint's secret.
    const first = requests[0];
    if (!first) throw new Error("no request");
    expect(() =>
      verifier.verify(first.body.replace('"completed"', '"failed"'), {
        "webhook-id": String(first.headers["webhook-id"]),
        "webhook-timestamp": String(first.headers["webhook-timestamp"]),
        "webhook-signature": String(first.headers["webhook-signature"]),
      }),
    ).toThrow();
  });

  it("sends credits.low once when a reservation crosses below the low-balance line", async () => {
    const user = await createUser(db, { credits: 24 });
    const created = await createWebhookEndpoint(db, { userId: user.id, url: `${receiverUrl}/hook` });
    if (!created.ok) throw new Error(created.message);
    for (let i = 0; i < 2; i++) {
      const r = await submitGeneration({
        userId: user.id,
        input: { prompt: `a lantern ${i}`, numImages: 1, sizePreset: "square" },
        idempotencyKey: randomUUID(),
      });
      if (!r.ok) throw new Error(r.message);
    }
    const low = await waitFor(() =>
      db.webhookDelivery
        .findMany({ where: { userId: user.id, eventType: "credits.low" } })
        .then((rows) => (rows.length > 0 ? rows : null)),
    );
    expect(low).toHaveLength(1);
    expect(low[0]?.payload).toMatchObject({ type: "credits.low", data: { balance: 16, threshold: 20 } });
    expect(await balanceOf(db, user.id)).toBeLessThanOrEqual(20);
  });

  it("refuses an endpoint whose name resolves to a private address, at once and without a request", async () => {
    const user = await createUser(db);
    const endpoint = await db.webhookEndpoint.create({
      data: {
        userId: user.id,
        url: "https://hooks.example.com/x",
        secret: `whsec_${Buffer.alloc(24, 1).toString("base64")}`,
      },
    });
    const delivery = await db.webhookDelivery.create({
      data: {
        id: "msg_private_test_0001",
        endpointId: endpoint.id,
        userId: user.id,
        eventType: "generation.completed",
        eventKey: "k1",
        payload: { type: "generation.completed", timestamp: new Date().toISOString(), data: {} },
      },
    });
    const before = received.length;
    await deliverWebhook(db, delivery.id, {
      lastAttempt: false,
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    const after = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(after.status).toBe("FAILED");
    expect(after.lastError).toContain("non-public address");
    expect(received.length).toBe(before);
  });

  it("a user without endpoints gets no deliveries", async () => {
    const user = await createUser(db, { credits: 40 });
    const r = await submitGeneration({
      userId: user.id,
      input: { prompt: "a quiet street", numImages: 1, sizePreset: "square" },
      idempotencyKey: randomUUID(),
    });
    if (!r.ok) throw new Error(r.message);
    await waitForSettled(db, r.generation.id);
    expect(await db.webhookDelivery.count({ where: { userId: user.id } })).toBe(0);
  });
});
