import type { Metadata } from "next";
import { apiBaseUrl } from "@/lib/api/base-url";
import { listApiKeys, MAX_ACTIVE_KEYS } from "@/lib/api-keys/keys";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { ApiKeysPanel } from "./_components/api-keys-panel";

export const metadata: Metadata = { title: "API keys · Atelier" };

export default async function ApiKeysPage() {
  const user = await requireUser();
  const keys = await listApiKeys(db(), { userId: user.id });
  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="text-sm text-stone-600 dark:text-stone-400">
          Call the studio from your own code with the official <code>openai</code> clients, paying with the same
          credits. Base URL: <code className="font-mono">{await apiBaseUrl()}</code>. Send a key as{" "}
          <code className="font-mono">Authorization: Bearer atl_…</code>. You can have up to {MAX_ACTIVE_KEYS} active
          keys.
        </p>
      </div>
      <ApiKeysPanel
        keys={keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
          revokedAt: k.revokedAt?.toISOString() ?? null,
        }))}
      />
    </div>
  );
}
