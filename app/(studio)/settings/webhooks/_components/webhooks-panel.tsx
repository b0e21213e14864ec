"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { createWebhookEndpointAction, deleteWebhookEndpointAction, resendWebhookDeliveryAction } from "../actions";

type EndpointRow = { id: string; url: string; secret: string };
type DeliveryRow = {
  id: string;
  eventType: string;
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  url: string;
  createdAt: string;
};

const STATUS_WORDS: Record<DeliveryRow["status"], string> = {
  PENDING: "Retrying",
  SUCCEEDED: "Delivered",
  FAILED: "Failed",
};
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function WebhooksPanel({ endpoints, deliveries }: { endpoints: EndpointRow[]; deliveries: DeliveryRow[] }) {
  const router = useRouter();
  const urlId = useId();
  const [shown, setShown] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string) => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (!result.ok) {
      setError(result.error?.message ?? "That did not work.");
      return;
    }
    setError("");
    setMessage(done);
    router.refresh();
  };

  return (
    <div className="flex flex-col gap-6">
      <form
        action={(formData) => run(() => createWebhookEndpointAction(formData), "Endpoint added.")}
        className="flex flex-wrap items-end gap-2 rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900"
      >
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor={urlId} className="text-sm font-medium">
            Endpoint URL
          </label>
          <input
            id={urlId}
            name="url"
            type="url"
            required
            placeholder="https://example.com/hooks/atelier"
            className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-950"
          />
        </div>
        <button type="submit" className={buttonClass("primary")} disabled={busy}>
          Add endpoint
        </button>
      </form>
      <p role="status" aria-live="polite" className="text-sm">
        {message}
      </p>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}

      <section aria-labelledby="endpoints-title" className="flex flex-col gap-2">
        <h2 id="endpoints-title" className="text-lg font-semibold">
          Endpoints
        </h2>
        {endpoints.length === 0 ? (
          <p className="text-sm text-stone-600 dark:text-stone-400">No endpoints yet.</p>
        ) : (
          <ul className="flex flex-col divide-y divide-stone-200 dark:divide-stone-800">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="flex flex-col gap-2 py-3 text-sm">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-mono break-all">{endpoint.url}</span>
                  <div className="flex gap-2">
                    <button
                      type="button"
                      className={buttonClass("ghost", "px-3 py-1")}
                      onClick={() => setShown(shown === endpoint.id ? null : endpoint.id)}
                    >
                      {shown === endpoint.id ? "Hide secret" : "Show secret"}
                    </button>
                    <button
                      type="button"
                      className={buttonClass("ghost", "px-3 py-1")}
                      disabled={busy}
                      aria-label={`Delete ${endpoint.url}`}
                      onClick={() => {
                        if (window.confirm(`Delete ${endpoint.url}? Its pending deliveries stop.`)) {
                          void run(() => deleteWebhookEndpointAction({ id: endpoint.id }), "Endpoint deleted.");
                        }
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </div>
                {shown === endpoint.id && (
                  <code className="rounded bg-stone-100 px-2 py-1 font-mono text-xs break-all dark:bg-stone-800">
                    {endpoint.secret}
                  </code>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="deliveries-title" className="flex flex-col gap-2">
        <h2 id="deliveries-title" className="text-lg font-semibold">
          Recent deliveries
        </h2>
        {deliveries.length === 0 ? (
          <p className="text-sm text-stone-600 dark:text-stone-400">Nothing sent yet.</p>
        ) : (
          <DataTable
            caption="Recent deliveries"
            rows={deliveries}
            rowKey={(d) => d.id}
            columns={[
              { header: "Event", className: "font-mono text-xs", cell: (d) => d.eventType },
              {
                header: "Endpoint",
                cell: (d) => (
                  <span className="block max-w-48 truncate" title={d.url}>
                    {d.url}
                  </span>
                ),
              },
              {
                header: "Status",
                cell: (d) => `${STATUS_WORDS[d.status]} (${d.attempts} ${d.attempts === 1 ? "attempt" : "attempts"})`,
              },
              {
                header: "Response",
                cell: (d) => (
                  <span title={d.lastError ?? undefined}>{d.responseStatus ?? (d.lastError ? "no answer" : "—")}</span>
                ),
              },
              { header: "Sent", cell: (d) => `${dateTime.format(new Date(d.createdAt))} UTC` },
              {
                header: "Actions",
                hideHeader: true,
                cell: (d) => (
                  <button
                    type="button"
                    className={buttonClass("ghost", "px-3 py-1")}
                    disabled={busy}
                    aria-label={`Resend ${d.eventType} to ${d.url}`}
                    onClick={() => run(() => resendWebhookDeliveryAction({ id: d.id }), "Delivery queued again.")}
                  >
                    Resend
                  </button>
                ),
              },
            ]}
          />
        )}
      </section>
    </div>
  );
}
