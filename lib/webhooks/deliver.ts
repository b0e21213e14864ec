import { Webhook } from "standardwebhooks";
import type { Db } from "@/lib/db";
import { AddressRefusedError, pinnedRequest, type Resolver, resolveAllowedAddress } from "@/lib/http/pinned-request";
import { matchHostRule } from "@/lib/images/fetch";
import { webhookTestRules } from "@/lib/webhooks/endpoints";

// Sends one webhook delivery, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
// `webhook-signature`). A 2xx answer ends it; anything else is recorded and thrown, so the job
// queue retries with backoff (lib/jobs.ts) until its last attempt marks it FAILED. An address the
// policy refuses is final at once: retrying cannot make a private address public.

const TIMEOUT_MS = 15_000;

export class DeliveryFailedError extends Error {}

export type DeliverOptions = { lastAttempt: boolean; resolve?: Resolver; now?: Date };

export async function deliverWebhook(database: Db, deliveryId: string, options: DeliverOptions): Promise<void> {
  const delivery = await database.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: { select: { url: true, secret: true } } },
  });
  // Delivered already (a resend raced a retry), or its endpoint was deleted with it.
  if (!delivery || delivery.status === "SUCCEEDED") return;

  const now = options.now ?? new Date();
  const body = JSON.stringify(delivery.payload);
  const url = new URL(delivery.endpoint.url);
  let responseStatus: number | null = null;
  let error: string | null = null;
  let final = options.lastAttempt;
  try {
    const address = await resolveAllowedAddress(url, {
      allowLoopback: matchHostRule(url, webhookTestRules()) !== null,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    const response = await pinnedRequest(url, address, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Atelier webhooks",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": new Webhook(delivery.endpoint.secret).sign(delivery.id, now, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    response.resume();
    responseStatus = response.statusCode ?? null;
    if (responseStatus === null || responseStatus < 200 || responseStatus >= 300) {
      error = `answered ${responseStatus ?? "nothing"}`;
    }
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
    if (cause instanceof AddressRefusedError) final = true;
  }

  const delivered = error === null;
  await database.webhookDelivery.update({
    where: { id: delivery.id },
    data: {
      attempts: { increment: 1 },
      lastAttemptAt: now,
      responseStatus,
      lastError: error,
      ...(delivered ? { status: "SUCCEEDED", deliveredAt: now } : final ? { status: "FAILED" } : {}),
    },
  });
  if (!delivered && !final) throw new DeliveryFailedError(`webhook ${delivery.id}: ${error}`);
}
