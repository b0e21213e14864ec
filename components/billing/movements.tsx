import Link from "next/link";
import type { Column } from "@/components/ui/data-table";
import type { MovementPage, MovementRow } from "@/lib/billing/queries";
import type { MovementKind } from "@/lib/generated/prisma/enums";

// A credit movement as people read it, the same on the billing page and in the admin's view of an
// account's ledger.

const KIND_LABEL: Record<MovementKind, string> = {
  GRANT: "Grant",
  PURCHASE: "Purchase",
  RESERVE: "Reserved",
  SETTLE: "Settled",
  REFUND: "Refund",
  CLAWBACK: "Clawback",
  ADJUSTMENT: "Adjustment",
};

/** "+5", "−3" (a minus sign, not a hyphen) or "0". */
export function signedAmount(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : "0";
}

/** The columns both ledgers show: kind, signed amount (credits in green), balance after. */
export const movementColumns: Column<MovementRow>[] = [
  { header: "Kind", cell: (m) => KIND_LABEL[m.kind] },
  {
    header: "Amount",
    numeric: true,
    cell: (m) =>
      m.amount > 0 ? (
        <span className="text-emerald-700 dark:text-emerald-400">{signedAmount(m.amount)}</span>
      ) : (
        signedAmount(m.amount)
      ),
  },
  { header: "Balance after", numeric: true, cell: (m) => m.balanceAfter },
];

/**
 * Links to the newest, newer and older pages of a ledger (listMovements' keyset cursors), at
 * `path` with `params` kept and the cursor added, scrolled to `hash`.
 */
export function MovementPager({
  label,
  page,
  path,
  params = {},
  hash,
}: {
  label: string;
  page: MovementPage;
  path: string;
  params?: Record<string, string>;
  hash: string;
}) {
  const href = (cursor: { before?: string; after?: string }) => {
    const search = new URLSearchParams(params);
    if (cursor.before) search.set("before", cursor.before);
    if (cursor.after) search.set("after", cursor.after);
    const query = search.toString();
    return `${path}${query ? `?${query}` : ""}#${hash}`;
  };
  return (
    <nav aria-label={label} className="flex gap-3 text-sm">
      {page.newer ? (
        <>
          <Link href={href({})} className="underline">
            Newest
          </Link>
          <Link href={href({ after: page.newer })} className="underline">
            Newer movements
          </Link>
        </>
      ) : null}
      {page.older ? (
        <Link href={href({ before: page.older })} className="underline">
          Older movements
        </Link>
      ) : null}
    </nav>
  );
}
