import { recordMovement, type Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { notifyGenerationChanged } from "@/lib/generations/notify";
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
    return await database.$transaction((tx) => settleIn(tx, input));
  } catch (error) {
    if (error instanceof LostRace) return { settled: false };
    throw error;
  }
}

async function settleIn(tx: Tx, { generationId, attempt, outcome, afterImages }: SettleInput): Promise<SettleResult> {
  const generation = await tx.generation.findUnique({
    where: { id: generationId },
    select: { userId: true, costCredits: true, numImages: true },
  });
  if (!generation) return { settled: false };
  const perImage = generation.costCredits / generation.numImages;
  const received = outcome.kind === "images" ? Math.min(outcome.images.length, generation.numImages) : 0;
  const charged = received * perImage;
  const refunded = generation.costCredits - charged;
  const status = received > 0 ? "COMPLETED" : "FAILED";
  const error = outcome.kind === "failed" ? { code: outcome.code, message: outcome.message } : outcome.shortfall;

  const updated = await tx.$executeRaw`
    UPDATE "Generation" SET
      "status" = CAST(${status} AS "GenerationStatus"),
      "chargedCredits" = ${charged},
      "refundedCredits" = ${refunded},
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
      AND (${attempt}::int IS NULL OR "attempts" = ${attempt}::int)`;
  if (updated !== 1) throw new LostRace();

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
  // Inside the transaction: delivered on commit only, never for a settle that rolled back.
  await notifyGenerationChanged(tx, { userId: generation.userId, generationId });
  return { settled: true, status, chargedCredits: charged, refundedCredits: refunded };
}
