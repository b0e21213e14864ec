import { recordMovement, type Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { notifyGenerationChangedSql } from "@/lib/generations/notify";
import { emitWebhookEvent } from "@/lib/webhooks/events";

// The one place a generation leaves QUEUED/RUNNING. Every terminal transition is a single guarded
// UPDATE (`WHERE status IN ('QUEUED','RUNNING')`) in the same transaction as its ledger movement,
// so however many runs or sweeps race, exactly one settles and credits move once.

/** An image kept in storage. Its thumbnail and placeholder come later, from the derivatives job. */
export type StoredImage = {
  index: number;
  storageKey: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
};

/** Facts of the source's answer; absent ones keep what the row holds (saved with the answer). */
export type UpstreamFacts = {
  seedUsed: number | null;
  tokensUsed: number | null;
  providerRequestId: string | null;
  upstreamMs: number | null;
  /** The provider's error in its own terms (lib/upstream/errors.ts providerErrorText), for operators. */
  providerError: string | null;
};

export type Outcome =
  /** At least one image arrived: pay for those, refund the rest. `shortfall` explains missing ones. */
  | ({
      kind: "images";
      images: StoredImage[];
      shortfall: { code: string; message: string } | null;
    } & Partial<UpstreamFacts>)
  /** Nothing arrived: refund everything. */
  | ({ kind: "failed"; code: string; message: string } & Partial<UpstreamFacts>);

export type SettleResult =
  | { settled: true; status: "COMPLETED" | "FAILED"; chargedCredits: number; refundedCredits: number }
  | { settled: false };

class LostRace extends Error {}

export type SettleInput = {
  generationId: string;
  attempt: number | null;
  outcome: Outcome;
  /** Runs in the settling transaction when images were delivered (queues their thumbnails). */
  afterImages?: (tx: Tx) => Promise<unknown>;
};

/**
 * Settles a generation once. `attempt` (from the run's claim) makes a run that lost its lease
 * unable to settle over the run that took over; the sweeper passes null.
 */
export async function settleGeneration(database: Db, input: SettleInput): Promise<SettleResult> {
  try {
    // Prisma's default of 2 s to get a connection failed settles in bursts (200 in flight on a
    // pool of 10): the run then threw, gave its lease back and waited for pg-boss's retry, seconds
    // later, to download and store everything again. Waiting for the pool is the cheaper way.
    return await database.$transaction((tx) => settleIn(tx, input), { maxWait: 15_000, timeout: 20_000 });
  } catch (error) {
    if (error instanceof LostRace) return { settled: false };
    throw error;
  }
}

async function settleIn(tx: Tx, { generationId, attempt, outcome, afterImages }: SettleInput): Promise<SettleResult> {
  const delivered = outcome.kind === "images" ? outcome.images.length : 0;
  const error = outcome.kind === "failed" ? { code: outcome.code, message: outcome.message } : outcome.shortfall;
  // One statement: the guarded transition, the amounts it settles on, and the NOTIFY (delivered
  // on commit only, never for a settle that rolls back). Each image received pays its share of the
  // reservation (costCredits is numImages times the price of one); the rest is refunded.
  const [generation] = await tx.$queryRaw<
    { userId: string; costCredits: number; numImages: number; charged: number; refunded: number }[]
  >`
    WITH settled AS (
      UPDATE "Generation" SET
        "status" = CAST(CASE WHEN LEAST(${delivered}::int, "numImages") > 0 THEN 'COMPLETED' ELSE 'FAILED' END AS "GenerationStatus"),
        "chargedCredits" = LEAST(${delivered}::int, "numImages") * ("costCredits" / "numImages"),
        "refundedCredits" = "costCredits" - LEAST(${delivered}::int, "numImages") * ("costCredits" / "numImages"),
        "completedAt" = now(),
        "errorCode" = ${error?.code ?? null},
        "errorMessage" = ${error?.message ?? null},
        "seedUsed" = COALESCE(${outcome.seedUsed ?? null}::bigint, "seedUsed"),
        "tokensUsed" = COALESCE(${outcome.tokensUsed ?? null}::int, "tokensUsed"),
        "providerRequestId" = COALESCE(${outcome.providerRequestId ?? null}::text, "providerRequestId"),
        "upstreamMs" = COALESCE(${outcome.upstreamMs ?? null}::int, "upstreamMs"),
        "providerError" = COALESCE(${outcome.providerError ?? null}::text, "providerError"),
        -- Its images are in storage now (or refunded): the saved answer has done its job.
        "providerAnswer" = NULL
      WHERE "id" = ${generationId}
        AND "status" IN ('QUEUED', 'RUNNING')
        AND (${attempt}::int IS NULL OR "attempts" = ${attempt}::int)
      RETURNING "id", "userId", "costCredits", "numImages", "chargedCredits", "refundedCredits"
    )
    SELECT "userId", "costCredits", "numImages", "chargedCredits" AS "charged", "refundedCredits" AS "refunded",
      ${notifyGenerationChangedSql("settled")}
    FROM settled`;
  // Missing, already settled, or taken over by a newer attempt.
  if (!generation) throw new LostRace();
  const received = Math.min(delivered, generation.numImages);
  const { charged, refunded } = generation;
  const status = received > 0 ? "COMPLETED" : "FAILED";

  if (outcome.kind === "images" && received > 0) {
    await tx.image.createMany({
      data: outcome.images.slice(0, received).map((image) => ({ ...image, generationId, userId: generation.userId })),
    });
    await afterImages?.(tx);
  }

  const movement =
    received > 0
      ? {
          kind: "SETTLE" as const,
          idempotencyKey: `settle:${generationId}`,
          reason:
            refunded > 0
              ? `Generation: ${received} of ${generation.numImages} images; ${refunded} credits returned`
              : `Generation: ${received} ${received === 1 ? "image" : "images"} delivered`,
        }
      : {
          kind: "REFUND" as const,
          idempotencyKey: `refund:${generationId}`,
          reason: `Refund: ${error?.code ?? "failed"}`,
        };
  // A SETTLE of 0 is still recorded: every reservation ends in exactly one settle or refund row.
  const moved = await recordMovement(tx, {
    userId: generation.userId,
    amount: refunded,
    generationId,
    ...movement,
  });
  if (!moved.ok) throw new Error(`settling generation ${generationId} failed: ${moved.code}`);
  await emitWebhookEvent(tx, {
    userId: generation.userId,
    type: status === "COMPLETED" ? "generation.completed" : "generation.failed",
    key: `generation:${generationId}`,
    data: {
      id: generationId,
      status: status === "COMPLETED" ? "completed" : "failed",
      images: received,
      credits: { cost: generation.costCredits, charged, refunded },
      error: error ?? null,
    },
  });
  return { settled: true, status, chargedCredits: charged, refundedCredits: refunded };
}
