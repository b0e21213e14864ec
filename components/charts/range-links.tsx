import Link from "next/link";

/** "Last 30 days" / "Last 90 days": the charts' range, the one shown marked current. */
export function RangeLinks({
  label,
  ranges,
  current,
  href,
}: {
  label: string;
  ranges: readonly number[];
  current: number;
  href: (days: number) => string;
}) {
  return (
    <nav aria-label={label} className="flex gap-2 text-sm">
      {ranges.map((days) => (
        <Link
          key={days}
          href={href(days)}
          aria-current={days === current ? "page" : undefined}
          className={`rounded-lg px-2 py-1 ${days === current ? "bg-stone-200 font-medium dark:bg-stone-800" : "underline"}`}
        >
          Last {days} days
        </Link>
      ))}
    </nav>
  );
}
