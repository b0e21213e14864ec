import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { listWebhookDeliveries, listWebhookEndpoints, MAX_WEBHOOK_ENDPOINTS } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { WebhooksPanel } from "./_components/webhooks-panel";

export const metadata: Metadata = { title: "Webhooks · Atelier" };

export default async function WebhooksPage() {
  const user = await requireUser();
  const [endpoints, deliveries] = await Promise.all([
    listWebhookEndpoints(db(), { userId: user.id }),
    listWebhookDeliveries(db(), { userId: user.id }),
  ]);
  return (
    <div className="flex max-w-4xl flex-col gap-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
        <p className="text-sm text-stone-600 dark:text-stone-400">
          Atelier POSTs {WEBHOOK_EVENTS.join(", ")} to up to {MAX_WEBHOOK_ENDPOINTS} https endpoints, signed per the
          Standard Webhooks spec (verify with the <code>standardwebhooks</code> package and the endpoint&apos;s secret).
          Failed deliveries are retried with growing delays for about a day.
        </p>
      </div>
      <WebhooksPanel
        endpoints={endpoints.map((e) => ({ id: e.id, url: e.url, secret: e.secret }))}
        deliveries={deliveries.map((d) => ({
          id: d.id,
          eventType: d.eventType,
          status: d.status,
          attempts: d.attempts,
          responseStatus: d.responseStatus,
          lastError: d.lastError,
          url: d.endpoint.url,
          createdAt: d.createdAt.toISOString(),
        }))}
      />
    </div>
  );
}
