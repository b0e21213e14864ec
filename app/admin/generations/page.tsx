import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { buttonClass } from "@/components/ui/button";
import { requireAdmin } from "@/lib/admin/access";
import { failureFilterChoices, listFailedGenerations } from "@/lib/admin/generations";
import { single, when } from "../_components/format";

export const metadata: Metadata = { title: "Failed generations" };
export const dynamic = "force-dynamic";

const filter = z.string().trim().max(200).optional().catch(undefined);
const query = z.object({ code: filter, model: filter, before: filter });

const select = "rounded-lg border border-stone-300 px-3 py-2 dark:border-stone-700 dark:bg-stone-900";

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
        <label className="flex flex-col gap-1 text-sm">
          Error code
          <select name="code" defaultValue={code ?? ""} className={select}>
            <option value="">Any</option>
            {choices.codes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Model
          <select name="model" defaultValue={model ?? ""} className={select}>
            <option value="">Any</option>
            {choices.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Filter
        </button>
      </form>
      {page.rows.length === 0 ? (
        <p>No failed generations{code || model ? " match this filter" : ""}.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Failed generations, newest first</caption>
            <thead className="border-b border-stone-200 text-stone-600 dark:border-stone-800 dark:text-stone-400">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Submitted (UTC)
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Account
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Model
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Error
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Provider request id
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Waited
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Model call
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Total
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  Attempts
                </th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((g) => (
                <tr key={g.id} className="border-b border-stone-100 align-top dark:border-stone-800/60">
                  <td className="py-2 pr-3 whitespace-nowrap">{when.format(g.createdAt)}</td>
                  <td className="py-2 pr-3">
                    <Link href={`/admin/users/${g.userId}`} className="underline">
                      {g.userEmail ?? g.userId}
                    </Link>
                  </td>
                  <td className="py-2 pr-3">
                    {g.model}
                    {g.source === "DEMO" ? " (demo)" : ""}
                  </td>
                  <td className="py-2 pr-3">
                    <code className="font-mono text-xs">{g.errorCode ?? "unknown"}</code>
                    <div className="text-stone-600 dark:text-stone-400">{g.errorMessage}</div>
                    {g.providerError ? (
                      <div className="mt-1 font-mono text-xs break-all text-red-800 dark:text-red-300">
                        <span className="sr-only">Provider said: </span>
                        {g.providerError}
                      </div>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3 font-mono text-xs">{g.providerRequestId ?? "—"}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{seconds(g.createdAt, g.startedAt)}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">
                    {g.upstreamMs === null ? "—" : `${(g.upstreamMs / 1000).toFixed(1)} s`}
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{seconds(g.createdAt, g.completedAt)}</td>
                  <td className="py-2 text-right tabular-nums">{g.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.older ? (
        <Link href={olderHref()} className="text-sm underline">
          Older failures
        </Link>
      ) : null}
    </div>
  );
}
