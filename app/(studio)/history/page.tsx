import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/require-user";
import { decodeCursor } from "@/lib/history/cursor";
import { hasFilters, historySearch, parseHistoryParams } from "@/lib/history/filters";
import { listGenerations } from "@/lib/history/queries";
import { MODELS } from "@/lib/models";
import { FilterBar } from "./_components/filter-bar";
import { HistoryGrid } from "./_components/history-grid";

export const metadata: Metadata = { title: "History" };

// Filters and search live in the URL, so a reload or a shared link shows the same history. The
// scroll position is not kept: a reload starts at the newest page of those filters (a `cursor`
// in the URL, from the no-JavaScript "Load more" link, starts further down).
export default async function HistoryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const { filters, cursor } = parseHistoryParams(await searchParams);
  const position = cursor ? decodeCursor(cursor) : null;
  const page = await listGenerations({ userId: user.id, filters, cursor: position });
  const filtered = hasFilters(filters);

  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="page-title" className="text-2xl font-semibold">
          History
        </h1>
        {position && (
          <Link
            href={`/history${historySearch(filters)}`}
            className="text-sm text-violet-700 underline dark:text-violet-300"
          >
            Back to the newest
          </Link>
        )}
      </div>
      <FilterBar filters={filters} models={MODELS.map((m) => ({ id: m.id, label: m.label }))} />
      {page.items.length === 0 && !filtered && !position ? (
        <div className="flex flex-col items-start gap-3 rounded-xl border border-dashed border-stone-300 p-8 dark:border-stone-700">
          <p className="text-stone-600 dark:text-stone-400">
            Nothing here yet. Every image you generate will appear here.
          </p>
          <Link href="/studio" className="font-medium text-violet-700 underline dark:text-violet-300">
            Go to the studio
          </Link>
        </div>
      ) : (
        <HistoryGrid key={historySearch(filters, cursor)} initial={page} filters={filters} />
      )}
    </section>
  );
}
