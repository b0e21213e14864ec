import Link from "next/link";
import { MovementPager, movementColumns } from "@/components/billing/movements";
import { DataTable } from "@/components/ui/data-table";
import type { MovementPage } from "@/lib/billing/queries";

const when = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function MovementsTable({ page, range }: { page: MovementPage; range: number }) {
  if (page.rows.length === 0) {
    return <p className="text-stone-600 dark:text-stone-400">No credit movements yet.</p>;
  }
  return (
    <div className="flex flex-col gap-3">
      <DataTable
        caption="Credit movements, newest first"
        rows={page.rows}
        rowKey={(m) => m.id}
        columns={[
          {
            header: "When (UTC)",
            className: "whitespace-nowrap",
            cell: (m) => <time dateTime={m.createdAt.toISOString()}>{when.format(m.createdAt)}</time>,
          },
          ...movementColumns,
          { header: "Reason", cell: (m) => m.reason },
          {
            header: "Details",
            cell: (m) =>
              m.generationId ? (
                <Link href={`/history/${m.generationId}`} className="text-violet-700 underline dark:text-violet-400">
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
              ) : null,
          },
        ]}
      />
      <MovementPager
        label="Movement pages"
        page={page}
        path="/billing"
        params={{ range: String(range) }}
        hash="movements"
      />
    </div>
  );
}
