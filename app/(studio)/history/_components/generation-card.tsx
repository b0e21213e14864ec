"use client";

import Link from "next/link";
import { DemoBadge } from "@/components/generation/demo-badge";
import { StatusBadge } from "@/components/generation/status-badge";
import { titleOf } from "@/lib/generations/settings";
import type { HistoryItem } from "@/lib/history/queries";
import { formatDateTime } from "./format";
import { UseAsReferenceButton } from "./use-as-reference";

function shortPrompt(prompt: string): string {
  return prompt.length > 60 ? `${prompt.slice(0, 57)}…` : prompt;
}

export function GenerationCard({
  item,
  selected,
  onSelect,
}: {
  item: HistoryItem;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
}) {
  const { cover } = item;
  const title = titleOf(item);
  return (
    <li>
      <article
        aria-label={shortPrompt(title)}
        className={`group relative overflow-hidden rounded-xl border bg-white transition dark:bg-stone-900 ${selected ? "border-violet-500 ring-2 ring-violet-500" : "border-stone-200 dark:border-stone-800"}`}
      >
        <Link href={`/history/${item.id}`} className="block rounded-xl">
          <div className="relative aspect-square overflow-hidden bg-stone-200 dark:bg-stone-800">
            {cover ? (
              // The tiny placeholder stays behind the thumbnail until it has loaded; until the
              // derivatives job has made both, the original is shown scaled down.
              // biome-ignore lint/performance/noImgElement: served by our own route; no optimiser in between
              <img
                src={`/api/images/${cover.id}${cover.hasThumb ? "?variant=thumb" : ""}`}
                alt=""
                width={cover.width}
                height={cover.height}
                loading="lazy"
                decoding="async"
                style={cover.placeholder ? { backgroundImage: `url("${cover.placeholder}")` } : undefined}
                className="size-full bg-cover bg-center object-cover"
              />
            ) : (
              <div className="flex size-full items-center justify-center p-4 text-center text-sm text-stone-500 dark:text-stone-400">
                {item.status === "FAILED" ? "No image" : "Waiting for images…"}
              </div>
            )}
            {item.imageCount > 1 && (
              <span className="absolute bottom-2 right-2 rounded-md bg-black/60 px-1.5 py-0.5 text-xs text-white">
                {item.imageCount} images
              </span>
            )}
          </div>
          <div className="flex flex-col gap-1 p-3">
            <p className="line-clamp-2 text-sm font-medium">{title}</p>
            {item.status === "FAILED" && item.errorMessage && (
              <p className="line-clamp-2 text-xs text-red-700 dark:text-red-300">{item.errorMessage}</p>
            )}
            <p className="text-xs text-stone-500 dark:text-stone-400">
              <time dateTime={item.createdAt.toISOString()}>{formatDateTime(item.createdAt)}</time>
            </p>
          </div>
        </Link>
        {cover ? (
          <div className="px-3 pb-3">
            <UseAsReferenceButton
              imageId={cover.id}
              detail={shortPrompt(title)}
              className="text-xs font-medium text-violet-700 underline disabled:opacity-60 dark:text-violet-300"
            />
          </div>
        ) : null}
        <div className="pointer-events-none absolute inset-x-2 top-2 flex items-start justify-between gap-2">
          <label className="pointer-events-auto flex size-8 cursor-pointer items-center justify-center rounded-lg bg-white/90 shadow dark:bg-stone-900/90">
            <input
              type="checkbox"
              checked={selected}
              onChange={(event) => onSelect(item.id, event.target.checked)}
              aria-label={`Select “${shortPrompt(title)}”`}
              className="size-4 accent-violet-600"
            />
          </label>
          <div className="flex flex-wrap justify-end gap-1">
            {item.source === "DEMO" && <DemoBadge />}
            <StatusBadge status={item.status} refundedCredits={item.refundedCredits} />
            {item.favorite && (
              <span
                role="img"
                aria-label="Favourite"
                className="rounded-full bg-white/90 px-1.5 text-sm text-amber-500 dark:bg-stone-900/90"
              >
                ★
              </span>
            )}
          </div>
        </div>
      </article>
    </li>
  );
}
