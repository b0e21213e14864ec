"use client";

import { useEffect, useRef, useState } from "react";
import { DemoBadge } from "@/components/generation/demo-badge";
import { StatusBadge } from "@/components/generation/status-badge";
import { buttonClass } from "@/components/ui/button";
import { type GenerationSettings, titleOf } from "@/lib/generations/settings";
import { isPending } from "@/lib/generations/status";
import type { GenerationView, ImageView } from "@/lib/generations/view";
import { CopyButton } from "./copy-button";

/** Time since `since` (server time); `clockOffsetMs` turns this browser's clock into the server's. */
function Elapsed({ since, until, clockOffsetMs }: { since: string; until: string | null; clockOffsetMs: number }) {
  const start = Date.parse(since);
  // Null until mounted: the server's render and the first client render must agree (hydration).
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (until) return;
    const tick = () => setNow(Date.now() + clockOffsetMs);
    tick();
    const timer = setInterval(tick, 100);
    return () => clearInterval(timer);
  }, [until, clockOffsetMs]);
  const end = until ? Date.parse(until) : now;
  if (end === null) return <span className="tabular-nums">…</span>;
  const seconds = Math.max(0, (end - start) / 1000);
  return (
    <span className="tabular-nums">
      {seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`}
    </span>
  );
}

export function GenerationCard({
  generation: g,
  clockOffsetMs,
  onReuse,
  reconnecting = false,
}: {
  generation: GenerationView;
  clockOffsetMs: number;
  /** Absent for a generation the form cannot load (a model outside the picker: the upscaler). */
  onReuse?: (settings: GenerationSettings) => void;
  /** The studio cannot reach its server right now: a pending card keeps its state and says so. */
  reconnecting?: boolean;
}) {
  const pending = isPending(g.status);
  const [open, setOpen] = useState<ImageView | null>(null);
  const size = `${g.settings.width}×${g.settings.height}`;
  const title = titleOf(g.settings);
  return (
    <article
      aria-label={`Generation: ${title.slice(0, 80)}`}
      aria-busy={pending || undefined}
      data-status={g.status}
      className="flex flex-col gap-3 rounded-2xl border border-stone-200 bg-white p-3 shadow-sm dark:border-stone-800 dark:bg-stone-900"
    >
      <header className="flex flex-wrap items-center gap-2 text-xs text-stone-600 dark:text-stone-400">
        <StatusBadge status={g.status} refundedCredits={g.refundedCredits} />
        {g.source === "DEMO" ? <DemoBadge /> : null}
        <Elapsed since={g.createdAt} until={pending ? null : g.completedAt} clockOffsetMs={clockOffsetMs} />
        <span aria-hidden="true">·</span>
        <span>{g.modelLabel}</span>
        <span aria-hidden="true">·</span>
        <span>
          {g.settings.numImages} × {size}
        </span>
      </header>
      <p className="line-clamp-3 text-sm">{title}</p>

      {pending && reconnecting ? (
        <p role="status" className="text-xs text-amber-800 dark:text-amber-300">
          Reconnecting to the studio… This generation is still on its way; nothing is lost.
        </p>
      ) : null}

      {pending ? (
        <ul className="grid grid-cols-2 gap-2" aria-label="Images on the way">
          {Array.from({ length: g.settings.numImages }, (_, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have nothing else to key on
              key={i}
              className="animate-pulse rounded-lg bg-stone-200 dark:bg-stone-800"
              style={{ aspectRatio: `${g.settings.width} / ${g.settings.height}` }}
            />
          ))}
        </ul>
      ) : null}

      {g.images.length > 0 ? (
        <ul className={`grid gap-2 ${g.images.length > 1 ? "grid-cols-2" : "grid-cols-1"}`}>
          {g.images.map((image) => (
            <li key={image.id} className="group relative">
              <button
                type="button"
                onClick={() => setOpen(image)}
                className="block w-full overflow-hidden rounded-lg bg-stone-200 bg-cover bg-center dark:bg-stone-800"
                style={{
                  backgroundImage: image.placeholder ? `url(${image.placeholder})` : undefined,
                  aspectRatio: `${image.width} / ${image.height}`,
                }}
                aria-label={`Open image ${image.index + 1} full size`}
              >
                {/* biome-ignore lint/performance/noImgElement: served by our own owner-checked route, already resized */}
                <img
                  src={image.thumbUrl}
                  alt={`${g.source === "DEMO" ? "Demo image" : "Image"} ${image.index + 1} for: ${title.slice(0, 120)}`}
                  width={image.width}
                  height={image.height}
                  loading="lazy"
                  className="h-full w-full object-cover"
                />
              </button>
              {g.source === "DEMO" ? (
                <span className="pointer-events-none absolute left-1.5 top-1.5">
                  <DemoBadge />
                </span>
              ) : null}
              <a
                href={image.downloadUrl}
                download
                className={buttonClass("secondary", "absolute bottom-1.5 right-1.5 px-2 py-1 text-xs opacity-90")}
              >
                Download<span className="sr-only"> image {image.index + 1}</span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}

      {g.status === "FAILED" || g.refundedCredits > 0 ? (
        <div
          className={`rounded-lg px-3 py-2 text-sm ${g.status === "FAILED" ? "bg-red-50 text-red-900 dark:bg-red-950/60 dark:text-red-100" : "bg-amber-50 text-amber-900 dark:bg-amber-950/60 dark:text-amber-100"}`}
        >
          {g.delivery ? <p className="font-medium">{g.delivery}</p> : null}
          {g.errorMessage ? <p>{g.errorMessage}</p> : null}
          {g.refundedCredits > 0 ? <p className="font-medium">Refunded {g.refundedCredits} credits</p> : null}
        </div>
      ) : null}

      <footer className="flex flex-wrap items-center gap-2 text-xs text-stone-600 dark:text-stone-400">
        {g.seedUsed ? (
          <span className="flex items-center gap-1">
            Seed <span className="font-mono">{g.seedUsed}</span>
            <CopyButton value={g.seedUsed} label={`Copy seed ${g.seedUsed}`} />
          </span>
        ) : null}
        {!pending ? (
          <span>
            {g.chargedCredits} {g.chargedCredits === 1 ? "credit" : "credits"} charged
          </span>
        ) : (
          <span>{g.costCredits} credits reserved</span>
        )}
        {onReuse && (
          <button
            type="button"
            onClick={() => onReuse(g.settings)}
            className={buttonClass("ghost", "ml-auto px-2 py-1 text-xs")}
          >
            Reuse settings
          </button>
        )}
      </footer>
      <ImageDialog image={open} demo={g.source === "DEMO"} prompt={title} onClose={() => setOpen(null)} />
    </article>
  );
}

function ImageDialog({
  image,
  demo,
  prompt,
  onClose,
}: {
  image: ImageView | null;
  demo: boolean;
  prompt: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (image && !dialog.open) dialog.showModal();
    if (!image && dialog.open) dialog.close();
  }, [image]);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes; keyboards have Escape (native) and Close
    <dialog
      ref={ref}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      aria-label="Full-size image"
      className="m-auto max-h-[95dvh] max-w-[95vw] rounded-xl bg-stone-950 p-0 text-stone-100 backdrop:bg-black/80"
    >
      {image ? (
        <div className="flex flex-col">
          <div className="flex items-center gap-2 p-2 text-sm">
            {demo ? <DemoBadge /> : null}
            <span className="tabular-nums">
              {image.width}×{image.height}
            </span>
            <a href={image.downloadUrl} download className={buttonClass("secondary", "ml-auto px-3 py-1")}>
              Download original
            </a>
            <button type="button" onClick={onClose} className={buttonClass("ghost", "px-3 py-1 text-stone-100")}>
              Close
            </button>
          </div>
          {/* biome-ignore lint/performance/noImgElement: the original file, exactly as stored */}
          <img
            src={image.url}
            alt={`${demo ? "Demo image" : "Image"} for: ${prompt.slice(0, 120)}`}
            width={image.width}
            height={image.height}
            className="max-h-[85dvh] w-auto object-contain"
            style={{
              backgroundImage: image.placeholder ? `url(${image.placeholder})` : undefined,
              backgroundSize: "cover",
            }}
          />
        </div>
      ) : null}
    </dialog>
  );
}
