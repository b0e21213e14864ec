import type { Db } from "@/lib/db";
import { deadlineOutcome } from "@/lib/generations/run";
import { settleGeneration } from "@/lib/generations/settle";
import { log } from "@/lib/log";

// Refunds every generation still QUEUED or RUNNING past its deadline: the last line of defence
// against a job that was lost (workers down for long, retries exhausted, a bug). Each refund is
// the same guarded settle a run uses, so a sweep racing a run settles the generation once.

export type SweepResult = { refunded: string[] };

export async function sweepExpiredGenerations(database: Db, options: { limit?: number } = {}): Promise<SweepResult> {
  const due = await database.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Generation"
    WHERE "status" IN ('QUEUED', 'RUNNING') AND "deadlineAt" < now()
    ORDER BY "deadlineAt"
    LIMIT ${options.limit ?? 500}`;
  const refunded: string[] = [];
  for (const { id } of due) {
    const result = await settleGeneration(database, { generationId: id, attempt: null, outcome: deadlineOutcome() });
    if (result.settled) refunded.push(id);
  }
  if (refunded.length > 0) log.warn("generation: sweeper refunded generations past their deadline", { refunded });
  return { refunded };
}
