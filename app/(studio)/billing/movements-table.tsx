import Link from "next/link";
import type { MovementPage } from "@/lib/billing/queries";
import type { MovementKind } from "@/lib/generated/prisma/enums";

const KIND_LABEL: Record<MovementKind, string> = {
  GRANT: "Grant",
  PURCHASE: "Purchase",
  RESERVE: "Reserved",
  SETTLE: "Settled",
  REFUND: "Refund",
  CLAWBACK: "Clawback",
  ADJUSTMENT: "Adjustment",
};

const when = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function pageHref(range: number, cursor: { before?: string; after?: string }): string {
  const params = new URLSearchParams({ range: String(range) });
  if (cursor.before) params.set("before", cursor.before);
  if (cursor.after) params.set("after", cursor.after);
  return `/billing?${params.toString()}#movements`;
}

export function MovementsTable({ page, range }: { page: MovementPage; range: number }) {
  if (page.rows.length === 0) {
    return <p className="text-stone-600 dark:text-stone-400">No credit movements yet.</p>;
  }
  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Credit movements, newest first</caption>
          <thead className="border-b border-stone-200 text-stone-600 dark:border-stone-800 dark:text-stone-400">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                When (UTC)
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Kind
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Amount
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Balance after
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Reason
              </th>
              <th scope="col" className="py-2 font-medium">
                Details
              </th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((m) => (
              <tr key={m.id} className="border-b border-stone-100 dark:border-stone-800/60">
                <td className="py-2 pr-3 whitespace-nowrap">
                  <time dateTime={m.createdAt.toISOString()}>{when.format(m.createdAt)}</time>
                </td>
                <td className="py-2 pr-3">{KIND_LABEL[m.kind]}</td>
                <td
                  className={`py-2 pr-3 text-right tabular-nums ${m.amount > 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                >
                  {m.amount > 0 ? `+${m.amount}` : m.amount < 0 ? `−${Math.abs(m.amount)}` : "0"}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{m.balanceAfter}</td>
                <td className="py-2 pr-3">{m.reason}</td>
                <td className="py-2">
                  {m.generationId ? (
                    <Link
                      href={`/history/${m.generationId}`}
                      className="text-violet-700 underline dark:text-violet-400"
                    >
                      View generation
                    </Link>
                  ) : m.receiptUrl ? (
                    <a
                      href={m.receiptUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                      className="text-violet-700 underline dark:text-violet-400"
                    >
                      Receipt<span className="sr-only"> (opens in a new tab)</span>
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Movement pages" className="flex gap-3 text-sm">
        {page.newer ? (
          <>
            <Link href={pageHref(range, {})} className="underline">
              Newest
            </Link>
            <Link href={pageHref(range, { after: page.newer })} className="underline">
              Newer movements
            </Link>
          </>
        ) : null}
        {page.older ? (
          <Link href={pageHref(range, { before: page.older })} className="underline">
            Older movements
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
