"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { THUMBNAIL_WAIT_MS } from "@/lib/generations/view";
import { type HistoryFilters, historySearch } from "@/lib/history/filters";
import type { HistoryItem, HistoryPage } from "@/lib/history/queries";
import { MAX_BULK, MAX_ZIP_GENERATIONS } from "@/lib/history/schemas";
import { deleteGenerationsAction, loadHistoryPage, refreshHistoryItems, setFavoriteAction } from "../actions";
import { ConfirmDialog } from "./confirm-dialog";
import { GenerationCard } from "./generation-card";
import { useStatusChanges } from "./use-status-changes";

/**
 * The grid of generations with infinite scroll. Scrolling near the end loads the next page; the
 * "Load more" link does the same by click or keyboard, and without JavaScript it is a plain link
 * to the next page.
 */
export function HistoryGrid({ initial, filters }: { initial: HistoryPage; filters: HistoryFilters }) {
  const [items, setItems] = useState<HistoryItem[]>(initial.items);
  const [nextCursor, setNextCursor] = useState(initial.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  // What the last bulk action did (shown and announced), and what the last load added (announced only).
  const [notice, setNotice] = useState("");
  const [loaded, setLoaded] = useState("");
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const loadingRef = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (!nextCursor || loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    setLoadError(null);
    try {
      const result = await loadHistoryPage({ filters, cursor: nextCursor });
      if (result.ok) {
        setItems((current) => {
          const seen = new Set(current.map((i) => i.id));
          return [...current, ...result.data.items.filter((i) => !seen.has(i.id))];
        });
        setNextCursor(result.data.nextCursor);
        setLoaded(`Loaded ${result.data.items.length} more.`);
      } else {
        setLoadError(result.error.message);
      }
    } catch {
      setLoadError("Could not load more. Check your connection and try again.");
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }, [filters, nextCursor]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !nextCursor || loadError) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadMore();
      },
      { rootMargin: "800px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, nextCursor, loadError]);

  // Generations still queued or running are re-read when their status changes (event stream); one
  // that completed on this page is followed a little longer, until its thumbnail replaces the
  // original the card shows meanwhile (the follow-up job makes it), for at most THUMBNAIL_WAIT_MS.
  const [thumbnailWaits, setThumbnailWaits] = useState<Map<string, number>>(new Map());
  const inFlight = items.filter((i) => i.status === "QUEUED" || i.status === "RUNNING");
  const awaitingThumbnails = items.filter((i) => thumbnailWaits.has(i.id) && i.cover && !i.cover.hasThumb);
  useStatusChanges(
    [
      ...inFlight.map((i) => ({ id: i.id, status: i.status })),
      ...awaitingThumbnails.map((i) => ({ id: i.id, status: i.status, thumbnails: true })),
    ].slice(0, MAX_BULK),
    async (changed) => {
      const result = await refreshHistoryItems({ ids: changed.map((g) => g.id) }).catch(() => null);
      if (!result?.ok) return;
      const fresh = new Map(result.data.map((i) => [i.id, i]));
      setItems((current) => current.map((i) => fresh.get(i.id) ?? i));
      setThumbnailWaits((current) => {
        const next = new Map(current);
        for (const item of fresh.values()) {
          if (item.status === "COMPLETED" && item.cover && !item.cover.hasThumb) next.set(item.id, Date.now());
          else next.delete(item.id);
        }
        return next;
      });
    },
  );
  // A thumbnail that never comes (its job failed) is not waited for forever: the original stays.
  useEffect(() => {
    if (thumbnailWaits.size === 0) return;
    const oldest = Math.min(...thumbnailWaits.values());
    const timer = setTimeout(
      () =>
        setThumbnailWaits(
          (current) => new Map([...current].filter(([, since]) => Date.now() - since < THUMBNAIL_WAIT_MS)),
        ),
      Math.max(0, oldest + THUMBNAIL_WAIT_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [thumbnailWaits]);

  const select = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const ids = [...selected];
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));

  const favourite = async (favorite: boolean) => {
    setBusy(true);
    const result = await setFavoriteAction({ ids, favorite });
    setBusy(false);
    if (!result.ok) return setNotice(result.error.message);
    setItems((current) => current.map((i) => (selected.has(i.id) ? { ...i, favorite } : i)));
    setNotice(`${result.data.updated} ${favorite ? "added to" : "removed from"} favourites.`);
  };

  const remove = async () => {
    setBusy(true);
    const result = await deleteGenerationsAction({ ids });
    setBusy(false);
    setConfirmingDelete(false);
    if (!result.ok) return setNotice(result.error.message);
    const gone = new Set(result.data.deleted);
    setItems((current) => current.filter((i) => !gone.has(i.id)));
    setSelected(new Set(result.data.inProgress));
    setNotice(
      `Deleted ${gone.size}.${result.data.inProgress.length > 0 ? ` ${result.data.inProgress.length} still in progress were kept.` : ""}`,
    );
  };

  if (items.length === 0 && !nextCursor) {
    return (
      <p className="rounded-xl border border-dashed border-stone-300 p-8 text-center text-stone-600 dark:border-stone-700 dark:text-stone-400">
        Nothing matches. Try other words or fewer filters.
      </p>
    );
  }

  const tooManyForZip = ids.length > MAX_ZIP_GENERATIONS;
  const tooManyForBulk = ids.length > MAX_BULK;

  return (
    <div className="flex flex-col gap-4">
      <div
        role="toolbar"
        aria-label="Selected generations"
        className="sticky top-0 z-10 flex flex-wrap items-center gap-2 rounded-xl border border-stone-200 bg-stone-50/95 p-2 backdrop-blur dark:border-stone-800 dark:bg-stone-950/95"
      >
        <label className="flex items-center gap-2 px-2 text-sm">
          <input
            type="checkbox"
            checked={allSelected}
            onChange={(event) => setSelected(event.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
            className="size-4 accent-violet-600"
          />
          Select all shown
        </label>
        <span className="text-sm text-stone-600 dark:text-stone-400">{ids.length} selected</span>
        {ids.length > 0 && (
          <>
            <button
              type="button"
              className={buttonClass("secondary", "px-3 py-1.5")}
              disabled={busy || tooManyForBulk}
              onClick={() => favourite(true)}
            >
              Favourite
            </button>
            <button
              type="button"
              className={buttonClass("secondary", "px-3 py-1.5")}
              disabled={busy || tooManyForBulk}
              onClick={() => favourite(false)}
            >
              Unfavourite
            </button>
            {tooManyForZip ? (
              <span className="text-sm text-stone-600 dark:text-stone-400">
                Select at most {MAX_ZIP_GENERATIONS} to download
              </span>
            ) : (
              <a
                href={`/history/download?${new URLSearchParams(ids.map((id) => ["ids", id])).toString()}`}
                download
                className={buttonClass("secondary", "px-3 py-1.5")}
              >
                Download zip
              </a>
            )}
            <button
              type="button"
              className={buttonClass("danger", "px-3 py-1.5")}
              disabled={busy || tooManyForBulk}
              onClick={() => setConfirmingDelete(true)}
            >
              Delete
            </button>
            <button
              type="button"
              className={buttonClass("ghost", "px-3 py-1.5")}
              onClick={() => setSelected(new Set())}
            >
              Clear selection
            </button>
          </>
        )}
      </div>
      <p role="status" aria-live="polite" className="text-sm text-stone-700 dark:text-stone-300">
        {notice}
      </p>
      <p role="status" aria-live="polite" className="sr-only">
        {loaded}
      </p>
      <ul aria-label="Generations" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-6">
        {items.map((item) => (
          <GenerationCard key={item.id} item={item} selected={selected.has(item.id)} onSelect={select} />
        ))}
      </ul>
      <div ref={sentinel} className="flex flex-col items-center gap-2 py-4">
        {loadError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {loadError}
          </p>
        )}
        {nextCursor ? (
          <Link
            href={`/history${historySearch(filters, nextCursor)}`}
            scroll={false}
            onClick={(event) => {
              event.preventDefault();
              void loadMore();
            }}
            aria-disabled={loading}
            className={buttonClass("secondary")}
          >
            {loading ? "Loading…" : "Load more"}
          </Link>
        ) : (
          <p className="text-sm text-stone-500 dark:text-stone-400">That is everything.</p>
        )}
      </div>
      <ConfirmDialog
        open={confirmingDelete}
        title={`Delete ${ids.length} ${ids.length === 1 ? "generation" : "generations"}?`}
        body="Their images are removed for good and any share links stop working. Credits already spent are not returned."
        confirmLabel="Delete"
        busy={busy}
        onConfirm={remove}
        onCancel={() => setConfirmingDelete(false)}
      />
    </div>
  );
}
