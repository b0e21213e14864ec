import { describe, expect, it } from "vitest";
import { listFailedGenerations } from "../../lib/admin/generations";
import type { SafetyCheckerPolicy } from "../../lib/env";
import { submitGeneration } from "../../lib/generations/submit";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { createUser, openTestDb } from "../support/db";
import {
  balanceOf,
  expectLedgerBalanced,
  movementsOf,
  newKey,
  openTestJobs,
  waitForSettled,
} from "../support/generations";
import { openTestUpstream } from "../support/upstream-env";

// Every failure class of the upstream, driven through the real flow: submit -> pg-boss job ->
// the AI/ML API client against the local fake upstream -> download/ingest -> settle. After each,
// the user's balance and the whole ledger are checked: nothing is ever lost or created.

// Sets what env() reads on first use, which happens below this line.
const fake = await openTestUpstream({ maxRetries: 1 });

const ATTEMPT_SECONDS = 8;
const testDb = await openTestDb({ max: 20 });
const { db } = testDb;
openTestJobs(testDb, { attemptSeconds: ATTEMPT_SECONDS });
await startGenerationWorkers({ concurrency: 4 });

const COST = 4;

async function generate(
  prompt: string,
  extra: Record<string, unknown> = {},
  safetyChecker: SafetyCheckerPolicy = "user-choice",
) {
  const user = await createUser(db, { credits: 100 });
  const submitted = await submitGeneration({
    userId: user.id,
    input: { prompt, sizePreset: "square", numImages: 2, ...extra },
    idempotencyKey: newKey(),
    safetyChecker,
  });
  if (!submitted.ok) throw new Error(submitted.message);
  expect(submitted.generation.source).toBe("API");
  const g = await waitForSettled(db, submitted.generation.id, 40_000);
  return { g, user, balance: await balanceOf(db, user.id), movements: await movementsOf(db, g.id) };
}

describe("generation against the upstream", () => {
  it("completes: stores the images, seed, tokens, request id and timings, and charges for them", async () => {
    const { g, balance, movements } = await generate("a red kite over the sea", { seed: 7 });
    expect(g).toMatchObject({ status: "COMPLETED", chargedCredits: 8, refundedCredits: 0, errorCode: null });
    expect(g.images).toHaveLength(2);
    expect(g.seedUsed).toBe(7n);
    expect(g.providerRequestId).toMatch(/^fake-/);
    expect(g.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(g.completedAt?.getTime()).toBeGreaterThanOrEqual(g.startedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(balance).toBe(92);
    expect(movements).toEqual([
      ["RESERVE", -8],
      ["SETTLE", 0],
    ]);
    await expectLedgerBalanced(db);
  });

  it("reads the other documented answer shape and records the provider's seed when none was sent", async () => {
    const { g } = await generate("[[alt-shape]] a lantern");
    expect(g.status).toBe("COMPLETED");
    expect(g.images).toHaveLength(2);
    expect(g.seedUsed).not.toBeNull();
    expect(g.tokensUsed).toBeGreaterThan(0);
  });

  it.each([
    ["enforced", true],
    ["user-choice", false],
  ] as const)(
    "SAFETY_CHECKER=%s: a form that switched the checker off sends enable_safety_checker %s",
    async (policy, sent) => {
      const prompt = `a harbour at night ${newKey()}`;
      const { g } = await generate(prompt, { enableSafetyChecker: false }, policy);
      expect(g.status).toBe("COMPLETED");
      const request = fake.requests().find((r) => (r.body as { prompt?: string }).prompt === prompt);
      expect(request?.body).toMatchObject({ enable_safety_checker: sent });
    },
  );

  it("keeps images sent inline (sync_mode, b64_json)", async () => {
    const { g } = await generate("a teapot", { syncMode: true, numImages: 1 });
    expect(g).toMatchObject({ status: "COMPLETED", chargedCredits: COST });
    expect(g.images).toHaveLength(1);
  });

  it("charges only for the images that arrived and says why the rest are missing", async () => {
    const { g, balance, movements } = await generate("[[partial:1]] three pears", { numImages: 3 });
    expect(g).toMatchObject({ status: "COMPLETED", chargedCredits: 4, refundedCredits: 8 });
    expect(g.images).toHaveLength(1);
    expect(g.errorMessage).toMatch(/1 of 3 images arrived/);
    expect(balance).toBe(96);
    expect(movements).toEqual([
      ["RESERVE", -12],
      ["SETTLE", 8],
    ]);
    await expectLedgerBalanced(db);
  });

  it("succeeds after a failure the client may safely retry", async () => {
    const { g } = await generate(`[[fail-once:503]] a fox ${newKey()}`);
    expect(g.status).toBe("COMPLETED");
  });

  const failures: [string, string, RegExp][] = [
    ["[[status:400]]", "invalid_request", /could not accept these settings/],
    ["[[status:401]]", "unauthorized", /could not sign in/],
    ["[[status:403]]", "provider_out_of_credits", /unavailable/],
    ["[[status:429]]", "rate_limited", /busy/],
    ["[[status:500]]", "provider_error", /had a problem/],
    ["[[status:504]]", "provider_timeout", /too long/],
    ["[[reset]]", "network", /could not reach/],
    ["[[malformed]]", "malformed_response", /could not read/],
    ["[[malformed:json]]", "malformed_response", /could not read/],
    ["[[blocked]]", "content_blocked", /safety checker/],
    ["[[empty]]", "no_images", /^No images came back/],
    ["[[unsafe-link]]", "unsafe_image_link", /does not trust/],
    ["[[redirect-offsite]]", "unsafe_image_link", /does not trust/],
    ["[[not-image]]", "not_an_image", /not a valid image/],
  ];

  it.each(failures)("refunds everything on %s (%s) with a reason", async (marker, code, message) => {
    const { g, balance, movements } = await generate(`${marker} a quiet street`);
    expect(g).toMatchObject({ status: "FAILED", errorCode: code, chargedCredits: 0, refundedCredits: 8 });
    expect(g.errorMessage).toMatch(message);
    expect(g.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(g.images).toHaveLength(0);
    expect(balance).toBe(100);
    expect(movements).toEqual([
      ["RESERVE", -8],
      ["REFUND", 8],
    ]);
    await expectLedgerBalanced(db);
  });

  it("keeps the provider's own error text for operators, shown in the admin area, never to the user", async () => {
    const { g } = await generate(`[[status:500]] a lighthouse ${newKey()}`);
    expect(g.providerError).toBe("HTTP 500: Injected failure 500");
    expect(g.errorMessage).not.toMatch(/HTTP|Injected/);
    const { rows } = await listFailedGenerations({ code: "provider_error" });
    expect(rows.find((row) => row.id === g.id)).toMatchObject({
      providerError: "HTTP 500: Injected failure 500",
      providerRequestId: g.providerRequestId,
    });

    const network = await generate(`[[reset]] a harbour ${newKey()}`);
    expect(network.g.providerError).toMatch(/^network: [A-Z_]+/);
    const link = await generate(`[[unsafe-link]] a pier ${newKey()}`);
    expect(link.g.providerError).toMatch(/^unsafe_image_link/);
  });

  it("stops waiting for an upstream that never answers within the run's time and refunds", async () => {
    const started = Date.now();
    const { g, balance } = await generate("[[hang]] a slow river");
    expect(g).toMatchObject({ status: "FAILED", errorCode: "provider_timeout", refundedCredits: 8 });
    expect(Date.now() - started).toBeLessThan(ATTEMPT_SECONDS * 1000 + 5000);
    expect(balance).toBe(100);
    await expectLedgerBalanced(db);
  });
});
