"use client";

import { useId, useState } from "react";
import { ActionFeedback } from "@/components/ui/action-feedback";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { API_SCOPES, type ApiScope, displayPrefix, SCOPE_LABELS } from "@/lib/api-keys/scopes";
import { SettingsForm, TextField } from "../../_components/settings-form";
import { SettingsSection } from "../../_components/settings-section";
import { useSettingsAction } from "../../_components/use-settings-action";
import { createApiKeyAction, revokeApiKeyAction } from "../actions";

export type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const when = (iso: string | null, never: string) => (iso ? `${dateTime.format(new Date(iso))} UTC` : never);

/**
 * Create and revoke keys. A new key's secret is shown once, right after it is made: only its hash
 * is stored, so it can never be shown again (make a new key instead).
 */
export function ApiKeysPanel({ keys }: { keys: ApiKeyRow[] }) {
  const secretId = useId();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const { busy, message, error, setMessage, run } = useSettingsAction();

  const create = async (formData: FormData) => {
    const made = await run(() => createApiKeyAction(formData), {
      done: "Key created. Copy it now: it is shown only once.",
    });
    if (made) setCreated(made);
  };

  const revoke = (key: ApiKeyRow) =>
    run(() => revokeApiKeyAction({ id: key.id }), {
      confirm: `Revoke "${key.name}"? Requests using it stop working at once.`,
      done: `"${key.name}" revoked.`,
    });

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setMessage("Key copied.");
    } catch {
      setMessage("Select the key and copy it by hand.");
    }
  };

  return (
    <div className="flex flex-col gap-6">
      <SettingsForm action={create}>
        <h2 className="text-lg font-semibold">Create a key</h2>
        <TextField label="Name" name="name" required maxLength={60} placeholder="e.g. my-script" />
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">Scopes</legend>
          {API_SCOPES.map((scope) => (
            <label key={scope} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={scope} defaultChecked />
              {SCOPE_LABELS[scope]}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" className={buttonClass("primary")} disabled={busy}>
            Create key
          </button>
        </div>
      </SettingsForm>

      {created && (
        <div className="flex flex-col gap-2 rounded-xl border border-amber-300 bg-amber-50 p-4 dark:border-amber-700 dark:bg-amber-950">
          <label htmlFor={secretId} className="text-sm font-medium">
            Your new key “{created.name}”
          </label>
          <div className="flex flex-wrap gap-2">
            <input
              id={secretId}
              readOnly
              value={created.secret}
              onFocus={(event) => event.target.select()}
              className="min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-3 py-2 font-mono text-xs dark:border-stone-700 dark:bg-stone-950"
            />
            <button type="button" className={buttonClass("secondary")} onClick={copy}>
              Copy key
            </button>
          </div>
          <p className="text-xs text-stone-700 dark:text-stone-300">
            Store it somewhere safe: it will not be shown again.
          </p>
        </div>
      )}

      <ActionFeedback message={message} error={error} />

      <SettingsSection id="keys-title" title="Your keys" empty={keys.length === 0 ? "No keys yet." : null}>
        <DataTable
          caption="Your keys"
          rows={keys}
          rowKey={(key) => key.id}
          rowClassName={(key) => (key.revokedAt ? "text-stone-500" : undefined)}
          columns={[
            { header: "Name", cell: (key) => key.name },
            { header: "Key", className: "font-mono text-xs", cell: (key) => displayPrefix(key.prefix) },
            { header: "Scopes", cell: (key) => key.scopes.join(", ") },
            { header: "Created", cell: (key) => when(key.createdAt, "") },
            { header: "Last used", cell: (key) => when(key.lastUsedAt, "Never") },
            {
              header: "Actions",
              hideHeader: true,
              cell: (key) =>
                key.revokedAt ? (
                  <span>Revoked {when(key.revokedAt, "")}</span>
                ) : (
                  <button
                    type="button"
                    className={buttonClass("ghost", "px-3 py-1")}
                    onClick={() => revoke(key)}
                    disabled={busy}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </button>
                ),
            },
          ]}
        />
      </SettingsSection>
    </div>
  );
}
