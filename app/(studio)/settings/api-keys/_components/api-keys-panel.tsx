"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { API_SCOPES, type ApiScope, displayPrefix, SCOPE_LABELS } from "@/lib/api-keys/scopes";
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
  const router = useRouter();
  const nameId = useId();
  const secretId = useId();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const create = async (formData: FormData) => {
    setBusy(true);
    const result = await createApiKeyAction(formData);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setError("");
    setCreated(result.data);
    setMessage("Key created. Copy it now: it is shown only once.");
    router.refresh();
  };

  const revoke = async (key: ApiKeyRow) => {
    if (!window.confirm(`Revoke "${key.name}"? Requests using it stop working at once.`)) return;
    setBusy(true);
    const result = await revokeApiKeyAction({ id: key.id });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setError("");
    setMessage(`"${key.name}" revoked.`);
    router.refresh();
  };

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
      <form
        action={create}
        className="flex flex-col gap-3 rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900"
      >
        <h2 className="text-lg font-semibold">Create a key</h2>
        <div className="flex flex-col gap-1">
          <label htmlFor={nameId} className="text-sm font-medium">
            Name
          </label>
          <input
            id={nameId}
            name="name"
            required
            maxLength={60}
            placeholder="e.g. my-script"
            className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-950"
          />
        </div>
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
      </form>

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

      <p role="status" aria-live="polite" className="text-sm">
        {message}
      </p>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}

      <section aria-labelledby="keys-title" className="flex flex-col gap-2">
        <h2 id="keys-title" className="text-lg font-semibold">
          Your keys
        </h2>
        {keys.length === 0 ? (
          <p className="text-sm text-stone-600 dark:text-stone-400">No keys yet.</p>
        ) : (
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
        )}
      </section>
    </div>
  );
}
