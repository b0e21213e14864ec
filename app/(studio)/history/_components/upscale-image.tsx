"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { UPSCALE_MODEL } from "@/lib/models";
import { upscaleImageAction } from "../actions";

const RESOLUTIONS = Object.entries(UPSCALE_MODEL.size.presets).map(([value, preset]) => ({
  value,
  label: preset.short,
}));
const SCALE = UPSCALE_MODEL.upscaleScale ?? { min: 0, max: 100, default: 50 };
const CREDITS = UPSCALE_MODEL.creditsPerImage;

/**
 * "Upscale" on one image: a choice of resolution and detail, priced from the registry. The new
 * generation's page opens at once and shows it finishing live.
 */
export function UpscaleImage({ imageId, detail }: { imageId: string; detail: string }) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [resolution, setResolution] = useState(UPSCALE_MODEL.size.defaultPreset);
  const [scale, setScale] = useState(String(SCALE.default));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per press of "Upscale": a double click (or a retry of a lost answer) is charged once.
  const pressKey = useRef<string | null>(null);

  const upscale = async (event: React.FormEvent) => {
    event.preventDefault();
    pressKey.current ??= crypto.randomUUID();
    setBusy(true);
    setError(null);
    const result = await upscaleImageAction({
      imageId,
      resolution,
      scale: Number(scale),
      idempotencyKey: pressKey.current,
    }).catch(() => null);
    if (result?.ok) {
      router.push(`/history/${result.data.generationId}`);
      return;
    }
    setBusy(false);
    setError(result ? result.error.message : "The studio could not be reached. Try again.");
  };

  const chosen = RESOLUTIONS.find((r) => r.value === resolution)?.label ?? resolution;

  return (
    <span className="inline-flex flex-col gap-2">
      <button
        type="button"
        className="underline"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen((o) => !o)}
      >
        Upscale<span className="sr-only"> ({detail})</span>
      </button>
      {open && (
        <form
          id={`${id}-panel`}
          onSubmit={upscale}
          className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-3 text-stone-900 dark:border-stone-800 dark:bg-stone-900 dark:text-stone-100"
        >
          <fieldset className="flex flex-wrap items-center gap-3">
            <legend className="mb-1 text-xs font-medium text-stone-600 dark:text-stone-400">Resolution</legend>
            {RESOLUTIONS.map((r) => (
              <label key={r.value} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name={`${id}-resolution`}
                  value={r.value}
                  checked={resolution === r.value}
                  onChange={() => {
                    setResolution(r.value);
                    pressKey.current = null;
                  }}
                  className="accent-violet-600"
                />
                {r.label}
              </label>
            ))}
          </fieldset>
          <label className="flex flex-col gap-1 text-xs font-medium text-stone-600 dark:text-stone-400">
            Detail added ({SCALE.min}–{SCALE.max})
            <input
              type="number"
              min={SCALE.min}
              max={SCALE.max}
              step={1}
              required
              value={scale}
              onChange={(e) => {
                setScale(e.target.value);
                pressKey.current = null;
              }}
              className="w-24 rounded-lg border border-stone-300 bg-white px-2 py-1 text-sm text-stone-900 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100"
            />
          </label>
          <button type="submit" disabled={busy} className={buttonClass("primary", "px-3 py-1.5")}>
            {busy ? "Submitting…" : `Upscale to ${chosen} · ${CREDITS} credits`}
            <span className="sr-only"> ({detail})</span>
          </button>
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
        </form>
      )}
    </span>
  );
}
