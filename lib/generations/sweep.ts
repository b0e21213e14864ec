import type { Db } from "@/lib/db";
import { savedAnswerKeys } from "@/lib/generations/answer";
import { deadlineOutcome } from "@/lib/generations/run";
import { settleGeneration } from "@/lib/generations/settle";
import { log } from "@/lib/log";
import { objectStore } from "@/lib/storage";
import type { ObjectStore } from "@/lib/storage/types";

// Refunds every generation still QUEUED or RUNNING past its deadline: the last line of defence
// against a job that was lost (workers down for long, retries exhausted, a bug). Each refund is
// the same guarded settle a run uses, so a sweep racing a run settles the generation once.
//
// A saved answer may point at files its dead run wrote (b64 images, the demo source's): once the
// refund has won, no Image row can ever name them (the images of a FAILED generation are none),
// so they are removed. A run still alive loses its settle and removes what it wrote itself.

export type SweepResult = { refunded: string[] };

export async function sweepExpiredGenerations(
  database: Db,
  options: { limit?: number; store?: ObjectStore } = {},
): Promise<SweepResult> {
  const due = await database.$queryRaw<{ id: string; providerAnswer: unknown }[]>`
    SELECT "id", "providerAnswer" FROM "Generation"
    WHERE "status" IN ('QUEUED', 'RUNNING') AND "deadlineAt" < now()
    ORDER BY "deadlineAt"
    LIMIT ${options.limit ?? 500}`;
  const refunded: string[] = [];
  for (const { id, providerAnswer } of due) {
    const result = await settleGeneration(database, { generationId: id, attempt: null, outcome: deadlineOutcome() });
    if (!result.settled) continue;
    refunded.push(id);
    const orphans = savedAnswerKeys(providerAnswer);
    if (orphans.length === 0) continue;
    await (options.store ?? objectStore()).delete(orphans).catch((error: unknown) => {
      log.error("generation: could not remove a refunded generation's saved images", { generationId: id, err: error });
    });
  }
  if (refunded.length > 0) log.warn("generation: sweeper refunded generations past their deadline", { refunded });
  return { refunded };
}
