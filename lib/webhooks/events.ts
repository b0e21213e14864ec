import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/credits/ledger";
import { enqueueWebhookDelivery } from "@/lib/jobs";

// Outgoing webhook events. Each is written as one WebhookDelivery row per endpoint of the user and
// queued in the caller's transaction, so an event exists exactly when the change it reports commits
// (a settle that rolls back sends nothing). Users without endpoints cost one empty INSERT ... SELECT.

export const WEBHOOK_EVENTS = ["generation.completed", "generation.failed", "credits.low"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The body receivers get, in the Standard Webhooks convention: `{ type, timestamp, data }`. */
export type WebhookPayload = { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };

export async function emitWebhookEvent(
  tx: Tx,
  { userId, type, key, data }: { userId: string; type: WebhookEventType; key: string; data: Record<string, unknown> },
): Promise<number> {
  const payload: WebhookPayload = { type, timestamp: new Date().toISOString(), data };
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "WebhookDelivery" ("id", "endpointId", "userId", "eventType", "eventKey", "payload")
    SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), e."id", e."userId", ${type}, ${key},
           CAST(${JSON.stringify(payload)} AS jsonb)
    FROM "WebhookEndpoint" e WHERE e."userId" = ${userId}
    ON CONFLICT ("endpointId", "eventKey") DO NOTHING
    RETURNING "id"`;
  for (const row of rows) await enqueueWebhookDelivery(tx, row.id);
  return rows.length;
}

/** A one-off key for events that have no natural one (a test event). */
export function uniqueEventKey(prefix: string): string {
  return `${prefix}:${randomUUID()}`;
}
