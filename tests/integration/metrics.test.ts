import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyMovement } from "../../lib/credits/ledger";
import { jobs, QUEUES } from "../../lib/jobs";
import { countHttp5xx } from "../../lib/metrics";
import { metricsAccess } from "../../lib/metrics/access";
import { checkReadiness } from "../../lib/readiness";
import { createDiskStore } from "../../lib/storage/disk";
import { createUser, openTestDb } from "../support/db";
import { openTestJobs } from "../support/generations";

// /api/metrics computes its numbers from the database at scrape time, so they are right however
// many processes did the work; /api/ready checks database, queue and storage.

process.env.METRICS_TOKEN = "metrics-token-0123456789abcdef";
const { GET: metricsRoute } = await import("../../app/api/metrics/route");
const { GET: readyRoute } = await import("../../app/api/ready/route");

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);
const MODEL = "bytedance/seedream-v4-text-to-image";

type Sample = { name: string; labels: Record<string, string>; value: number };
function parse(text: string): Sample[] {
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m?.[1] || !m[3]) throw new Error(`unparsable line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
}
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (s) =>
      s.name === name &&
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

async function generation(userId: string, fields: Record<string, unknown>) {
  const created = new Date(Date.now() - 60_000);
  return db.generation.create({
    data: {
      userId,
      idempotencyKey: `m-${Math.random()}`,
      model: MODEL,
      source: "API",
      prompt: "p",
      width: 2048,
      height: 2048,
      aspect: "1:1",
      numImages: 1,
      costCredits: 4,
      deadlineAt: new Date(Date.now() + 600_000),
      createdAt: created,
      ...fields,
    },
  });
}

describe("GET /api/metrics", () => {
  it("reports generations, durations, credits, Stripe events and the queue from the database", async () => {
    const user = await createUser(db, { credits: 100 });
    const t0 = new Date(Date.now() - 60_000).getTime();
    // Model call 12 s of 13.5 s (overhead 1.5 s); 3 s of 3.2 s (overhead 0.2 s); one failure; one queued.
    await generation(user.id, {
      status: "COMPLETED",
      upstreamMs: 12_000,
      completedAt: new Date(t0 + 13_500),
      createdAt: new Date(t0),
      chargedCredits: 8,
    });
    await generation(user.id, {
      status: "COMPLETED",
      upstreamMs: 3_000,
      completedAt: new Date(t0 + 3_200),
      createdAt: new Date(t0),
      chargedCredits: 4,
    });
    const failed = await generation(user.id, { status: "FAILED", errorCode: "provider_timeout" });
    await generation(user.id, { status: "QUEUED" });
    await applyMovement(db, {
      userId: user.id,
      kind: "REFUND",
      amount: 4,
      idempotencyKey: `refund:${failed.id}`,
      reason: "test",
      generationId: failed.id,
    });
    await db.stripeEvent.createMany({
      data: [
        { id: "evt_1", type: "checkout.session.completed" },
        { id: "evt_2", type: "checkout.session.completed" },
        { id: "evt_3", type: "charge.refunded" },
      ],
    });
    const boss = await jobs();
    await boss.send(QUEUES.generate, { generationId: "waiting-job" });
    countHttp5xx("/test/route");

    const unauthenticated = await metricsRoute(new Request("http://studio.test/api/metrics"));
    expect(unauthenticated.status).toBe(401);
    const wrong = await metricsRoute(
      new Request("http://studio.test/api/metrics", { headers: { authorization: "Bearer not-the-token-at-all" } }),
    );
    expect(wrong.status).toBe(401);
    const res = await metricsRoute(
      new Request("http://studio.test/api/metrics", {
        headers: { authorization: `Bearer ${process.env.METRICS_TOKEN}` },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const samples = parse(await res.text());

    expect(value(samples, "atelier_generations_finished_total", { status: "completed", model: MODEL })).toBe(2);
    expect(value(samples, "atelier_generations_finished_total", { status: "failed", model: MODEL })).toBe(1);
    expect(value(samples, "atelier_generations_in_progress", { status: "queued", model: MODEL })).toBe(1);
    expect(value(samples, "atelier_generation_failures_total", { code: "provider_timeout", model: MODEL })).toBe(1);
    const call = "atelier_model_call_duration_seconds";
    expect(value(samples, `${call}_bucket`, { model: MODEL, le: "2.5" })).toBe(0);
    expect(value(samples, `${call}_bucket`, { model: MODEL, le: "5" })).toBe(1);
    expect(value(samples, `${call}_bucket`, { model: MODEL, le: "15" })).toBe(2);
    expect(value(samples, `${call}_bucket`, { model: MODEL, le: "+Inf" })).toBe(2);
    expect(value(samples, `${call}_sum`, { model: MODEL })).toBe(15);
    expect(value(samples, `${call}_count`, { model: MODEL })).toBe(2);
    const overhead = "atelier_studio_overhead_seconds";
    expect(value(samples, `${overhead}_bucket`, { model: MODEL, le: "0.25" })).toBe(1);
    expect(value(samples, `${overhead}_bucket`, { model: MODEL, le: "1" })).toBe(1);
    expect(value(samples, `${overhead}_bucket`, { model: MODEL, le: "2" })).toBe(2);
    expect(value(samples, `${overhead}_sum`, { model: MODEL })).toBeCloseTo(1.7, 5);
    expect(value(samples, "atelier_credits_total", { kind: "granted" })).toBe(100);
    expect(value(samples, "atelier_credits_total", { kind: "spent" })).toBe(12);
    expect(value(samples, "atelier_credits_total", { kind: "refunded" })).toBe(4);
    expect(value(samples, "atelier_stripe_events_processed_total", { type: "checkout.session.completed" })).toBe(2);
    expect(value(samples, "atelier_stripe_events_processed_total", { type: "charge.refunded" })).toBe(1);
    expect(value(samples, "atelier_job_queue_depth", { queue: QUEUES.generate, state: "waiting" })).toBe(1);
    expect(value(samples, "atelier_job_queue_depth", { queue: QUEUES.generate, state: "active" })).toBe(0);
    expect(value(samples, "atelier_http_5xx_total", { route: "/test/route" })).toBe(1);
  });

  it("sums the provider calls generations made, by model", async () => {
    const user = await createUser(db, { credits: 100 });
    const seedream45 = "bytedance/seedream-4-5";
    const edit = "bytedance/seedream-v4-edit";
    // Calls are counted before they are made, so unsettled generations count too; a resumed attempt adds none.
    await generation(user.id, { model: seedream45, status: "COMPLETED", providerCalls: 4 });
    await generation(user.id, { model: seedream45, status: "FAILED", providerCalls: 1 });
    await generation(user.id, { model: seedream45, status: "RUNNING", providerCalls: 2 });
    await generation(user.id, { model: edit, status: "COMPLETED", providerCalls: 1 });
    await generation(user.id, { model: edit, status: "QUEUED", providerCalls: 0 });

    const res = await metricsRoute(
      new Request("http://studio.test/api/metrics", {
        headers: { authorization: `Bearer ${process.env.METRICS_TOKEN}` },
      }),
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).split("\n");
    expect(lines).toContain("# TYPE atelier_provider_calls_total counter");
    expect(lines).toContain(`atelier_provider_calls_total{model="${seedream45}"} 7`);
    expect(lines).toContain(`atelier_provider_calls_total{model="${edit}"} 1`);
  });

  it("does not exist without METRICS_TOKEN and wants the exact bearer token with one", () => {
    expect(metricsAccess("Bearer anything-at-all-here", undefined)).toBe("not_found");
    expect(metricsAccess(null, "metrics-token-0123456789abcdef")).toBe("unauthorized");
    expect(metricsAccess("Basic bWV0cmljcw==", "metrics-token-0123456789abcdef")).toBe("unauthorized");
    expect(metricsAccess("Bearer metrics-token-0123456789abcdeF", "metrics-token-0123456789abcdef")).toBe(
      "unauthorized",
    );
    expect(metricsAccess("Bearer metrics-token-0123456789abcdef", "metrics-token-0123456789abcdef")).toBe("allowed");
  });
});

describe("GET /api/ready", () => {
  it("is ready when database, queue and storage answer", async () => {
    const res = await readyRoute(new Request("http://studio.test/api/ready"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, queue: { ok: true }, storage: { ok: true } },
    });
  });

  it("is not ready when the storage or the database fails", async () => {
    const store = createDiskStore(mkdtempSync(path.join(os.tmpdir(), "atelier-ready-")));
    const brokenStore = { ...store, get: () => Promise.reject(new Error("bucket unreachable")) };
    const storeDown = await checkReadiness({ database: db, store: brokenStore });
    expect(storeDown).toMatchObject({ ready: false, checks: { storage: { ok: false }, database: { ok: true } } });

    const { createDb } = await import("../../lib/db");
    const unreachable = createDb("postgresql://postgres@127.0.0.1:1/none");
    const databaseDown = await checkReadiness({ database: unreachable, store });
    expect(databaseDown).toMatchObject({ ready: false, checks: { database: { ok: false }, storage: { ok: true } } });
    await unreachable.$disconnect();
  });
});
