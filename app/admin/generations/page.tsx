import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { requireAdmin } from "@/lib/admin/access";
import { failureFilterChoices, listFailedGenerations } from "@/lib/admin/generations";
import { single, when } from "../_components/format";

export const metadata: Metadata = { title: "Failed generations" };
export const dynamic = "force-dynamic";

const filter = z.string().trim().max(200).optional().catch(undefined);
const query = z.object({ code: filter, model: filter, before: filter });

/** A filter: "Any" or one of the values seen among failures. */
function AnyOf({
  label,
  name,
  value,
  choices,
}: {
  label: string;
  name: string;
  value: string | undefined;
  choices: string[];
}) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      {label}
      <select
        name={name}
        defaultValue={value ?? ""}
        className="rounded-lg border border-stone-300 px-3 py-2 dark:border-stone-700 dark:bg-stone-900"
      >
        <option value="">Any</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

function seconds(from: Date | null, to: Date | null): string {
  return from && to ? `${((to.getTime() - from.getTime()) / 1000).toFixed(1)} s` : "—";
}

export default async function AdminGenerationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const raw = await searchParams;
  const parsed = query.parse({ code: single(raw.code), model: single(raw.model), before: single(raw.before) });
  const code = parsed.code || undefined;
  const model = parsed.model || undefined;
  const [page, choices] = await Promise.all([
    listFailedGenerations({ code, model, before: parsed.before || undefined }),
    failureFilterChoices(),
  ]);
  const olderHref = () => {
    const params = new URLSearchParams();
    if (code) params.set("code", code);
    if (model) params.set("model", model);
    if (page.older) params.set("before", page.older);
    return `/admin/generations?${params.toString()}`;
  };

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Failed generations</h1>
      <form action="/admin/generations" className="flex flex-wrap items-end gap-2" aria-label="Filter failures">
        <AnyOf label="Error code" name="code" value={code} choices={choices.codes} />
        <AnyOf label="Model" name="model" value={model} choices={choices.models} />
        <button type="submit" className={buttonClass("secondary")}>
          Filter
        </button>
      </form>
      {page.rows.length === 0 ? (
        <p>No failed generations{code || model ? " match this filter" : ""}.</p>
      ) : (
        <DataTable
          caption="Failed generations, newest first"
          rows={page.rows}
          rowKey={(g) => g.id}
          rowClassName={() => "align-top"}
          columns={[
            { header: "Submitted (UTC)", className: "whitespace-nowrap", cell: (g) => when.format(g.createdAt) },
            {
              header: "Account",
              cell: (g) => (
                <Link href={`/admin/users/${g.userId}`} className="underline">
                  {g.userEmail ?? g.userId}
                </Link>
              ),
            },
            { header: "Model", cell: (g) => `${g.model}${g.source === "DEMO" ? " (demo)" : ""}` },
            {
              header: "Error",
              cell: (g) => (
                <>
                  <code className="font-mono text-xs">{g.errorCode ?? "unknown"}</code>
                  <div className="text-stone-600 dark:text-stone-400">{g.errorMessage}</div>
                  {g.providerError ? (
                    <div className="mt-1 font-mono text-xs break-all text-red-800 dark:text-red-300">
                      <span className="sr-only">Provider said: </span>
                      {g.providerError}
                    </div>
                  ) : null}
                </>
              ),
            },
            { header: "Provider request id", className: "font-mono text-xs", cell: (g) => g.providerRequestId ?? "—" },
            { header: "Waited", numeric: true, cell: (g) => seconds(g.createdAt, g.startedAt) },
            {
              header: "Model call",
              numeric: true,
              cell: (g) => (g.upstreamMs === null ? "—" : `${(g.upstreamMs / 1000).toFixed(1)} s`),
            },
            { header: "Total", numeric: true, cell: (g) => seconds(g.createdAt, g.completedAt) },
            { header: "Attempts", numeric: true, cell: (g) => g.attempts },
          ]}
        />
      )}
      {page.older ? (
        <Link href={olderHref()} className="text-sm underline">
          Older failures
        </Link>
      ) : null}
    </div>
  );
}
