"use client";

import { useState } from "react";
import { ActionFeedback } from "@/components/ui/action-feedback";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { SettingsForm, TextField } from "../../_components/settings-form";
import { SettingsSection } from "../../_components/settings-section";
import { useSettingsAction } from "../../_components/use-settings-action";
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
  const [shown, setShown] = useState<string | null>(null);
  const { busy, message, error, run } = useSettingsAction();

  return (
    <div className="flex flex-col gap-6">
      <SettingsForm
        action={async (formData) => {
          await run(() => createWebhookEndpointAction(formData), { done: "Endpoint added." });
        }}
        className="flex-wrap items-end"
      >
        <TextField
          label="Endpoint URL"
          className="min-w-64 flex-1"
          name="url"
          type="url"
          required
          placeholder="https://example.com/hooks/atelier"
        />
        <button type="submit" className={buttonClass("primary")} disabled={busy}>
          Add endpoint
        </button>
      </SettingsForm>
      <ActionFeedback message={message} error={error} />

      <SettingsSection
        id="endpoints-title"
        title="Endpoints"
        empty={endpoints.length === 0 ? "No endpoints yet." : null}
      >
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
                    onClick={() =>
                      run(() => deleteWebhookEndpointAction({ id: endpoint.id }), {
                        confirm: `Delete ${endpoint.url}? Its pending deliveries stop.`,
                        done: "Endpoint deleted.",
                      })
                    }
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
      </SettingsSection>

      <SettingsSection
        id="deliveries-title"
        title="Recent deliveries"
        empty={deliveries.length === 0 ? "Nothing sent yet." : null}
      >
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
                  onClick={() =>
                    run(() => resendWebhookDeliveryAction({ id: d.id }), { done: "Delivery queued again." })
                  }
                >
                  Resend
                </button>
              ),
            },
          ]}
        />
      </SettingsSection>
    </div>
  );
}
