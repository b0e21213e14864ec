"use server";

import { z } from "zod";
import { fail, ok, userAction } from "@/lib/action";
import { db } from "@/lib/db";
import { resendWebhookDelivery } from "@/lib/jobs";
import { createWebhookEndpoint, deleteWebhookEndpoint, webhookUrlSchema } from "@/lib/webhooks/endpoints";

const idSchema = z.string().regex(/^[A-Za-z0-9_]{10,60}$/, "Unknown item.");

export const createWebhookEndpointAction = userAction(z.object({ url: webhookUrlSchema }), async ({ url }, user) => {
  const created = await createWebhookEndpoint(db(), { userId: user.id, url });
  if (!created.ok) return fail(created.code, created.message);
  return ok({ id: created.endpoint.id });
});

export const deleteWebhookEndpointAction = userAction(z.object({ id: idSchema }), async ({ id }, user) => {
  const deleted = await deleteWebhookEndpoint(db(), { userId: user.id, id });
  return deleted ? ok(undefined) : fail("not_found", "That endpoint was not found.");
});

/** Sends a delivery again, whatever became of it (the receiver deduplicates on its webhook-id). */
export const resendWebhookDeliveryAction = userAction(z.object({ id: idSchema }), async ({ id }, user) => {
  const { count } = await db().webhookDelivery.updateMany({
    where: { id, userId: user.id },
    data: { status: "PENDING" },
  });
  if (count !== 1) return fail("not_found", "That delivery was not found.");
  await resendWebhookDelivery(id);
  return ok(undefined);
});
