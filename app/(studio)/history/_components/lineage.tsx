import Link from "next/link";
import type { MadeFromItem, UsedInItem } from "@/lib/references/lineage";
import { formatDateTime } from "./format";

/** "Made from": the references a generation was sent, in order; each links to the generation it was taken from, if any. */
export function MadeFrom({ items }: { items: MadeFromItem[] }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="made-from-title" className="flex flex-col gap-2">
      <h2 id="made-from-title" className="text-lg font-semibold">
        Made from
      </h2>
      <ol className="flex flex-wrap gap-3">
        {items.map(({ position, reference, source }) => {
          const thumbnail = (
            // biome-ignore lint/performance/noImgElement: served by our own owner-checked route
            <img
              src={reference.thumbnailUrl}
              alt={`Reference ${position + 1}`}
              width={reference.width}
              height={reference.height}
              className="size-24 rounded-lg bg-stone-200 object-cover dark:bg-stone-800"
            />
          );
          return (
            <li key={position} className="flex flex-col items-center gap-1 text-xs">
              {source ? (
                <Link href={`/history/${source.generationId}`} className="flex flex-col items-center gap-1 underline">
                  {thumbnail}
                  <span>
                    From a generation<span className="sr-only"> (reference {position + 1})</span>
                  </span>
                </Link>
              ) : (
                <a href={reference.url} target="_blank" rel="noreferrer" className="flex flex-col items-center gap-1">
                  {thumbnail}
                  <span className="text-stone-600 dark:text-stone-400">Uploaded</span>
                </a>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** "Used in": the user's generations made from this generation's images, newest first. */
export function UsedIn({ items }: { items: UsedInItem[] }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="used-in-title" className="flex flex-col gap-2">
      <h2 id="used-in-title" className="text-lg font-semibold">
        Used in
      </h2>
      <ul className="flex flex-col gap-1 text-sm">
        {items.map((item) => (
          <li key={item.generationId}>
            <Link href={`/history/${item.generationId}`} className="text-violet-700 underline dark:text-violet-300">
              {item.title.length > 80 ? `${item.title.slice(0, 77)}…` : item.title}
            </Link>{" "}
            <span className="text-stone-600 dark:text-stone-400">
              · <time dateTime={item.createdAt.toISOString()}>{formatDateTime(item.createdAt)}</time> · from image
              {item.imageIndexes.length > 1 ? "s" : ""} {item.imageIndexes.map((i) => i + 1).join(", ")}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
