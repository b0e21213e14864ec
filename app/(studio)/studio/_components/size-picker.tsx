"use client";

import { useId } from "react";
import type { SizeRules } from "@/lib/models";

/** A preset of the model's size rules, or "custom" with the width and height as typed. */
export type SizeValue = { preset: string; width: string; height: string };

/** A rectangle of the given proportions inside a 28 px box: the preset's shape at a glance. */
function Shape({ width, height }: { width: number; height: number }) {
  const scale = 28 / Math.max(width, height);
  return (
    <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center">
      <span
        className="block rounded-[3px] border-2 border-current"
        style={{ width: Math.round(width * scale), height: Math.round(height * scale) }}
      />
    </span>
  );
}

const optionClass =
  "flex cursor-pointer flex-col items-center gap-1 rounded-lg border border-stone-300 px-2 py-2 text-xs has-[:checked]:border-violet-600 has-[:checked]:bg-violet-50 has-[:checked]:text-violet-800 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-violet-500 dark:border-stone-700 dark:has-[:checked]:bg-violet-950 dark:has-[:checked]:text-violet-200";

/** The size controls of the chosen model: its presets, and a custom size when it takes one. */
export function SizePicker({
  rules,
  value,
  onChange,
  error,
}: {
  rules: SizeRules;
  value: SizeValue;
  onChange: (value: SizeValue) => void;
  error?: string;
}) {
  const widthId = useId();
  const heightId = useId();
  const custom = value.preset === "custom";
  const choose = (preset: string) => {
    const p = rules.presets[preset];
    onChange(p ? { preset, width: String(p.width), height: String(p.height) } : { ...value, preset: "custom" });
  };
  const min = rules.custom?.min ?? 0;
  const max = rules.custom?.max ?? 0;
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1.5 text-sm font-medium">Size</legend>
      <div className="grid grid-cols-4 gap-2 sm:grid-cols-7 lg:grid-cols-4">
        {Object.entries(rules.presets).map(([key, p]) => {
          return (
            <label key={key} className={optionClass} title={`${p.label}, ${p.width}×${p.height}`}>
              <input
                type="radio"
                name="sizePreset"
                value={key}
                checked={value.preset === key}
                onChange={() => choose(key)}
                className="sr-only"
              />
              {p.aspect === null ? (
                <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center text-lg">
                  ◇
                </span>
              ) : (
                <Shape width={p.width} height={p.height} />
              )}
              <span className="sr-only">{p.aspect === null ? p.label : `${p.label}, ${p.width} by ${p.height}`}</span>
              <span aria-hidden="true">{p.short}</span>
            </label>
          );
        })}
        {rules.custom ? (
          <label className={optionClass}>
            <input
              type="radio"
              name="sizePreset"
              value="custom"
              checked={custom}
              onChange={() => choose("custom")}
              className="sr-only"
            />
            <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center text-lg">
              ⤢
            </span>
            <span>Custom</span>
          </label>
        ) : null}
      </div>
      {custom && rules.custom ? (
        <div className="flex items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={widthId} className="text-xs text-stone-600 dark:text-stone-400">
              Width
            </label>
            <input
              id={widthId}
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              step={8}
              value={value.width}
              onChange={(e) => onChange({ ...value, width: e.target.value })}
              className="w-28 rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm tabular-nums dark:border-stone-700 dark:bg-stone-950"
            />
          </div>
          <span aria-hidden="true" className="pb-2 text-stone-500">
            ×
          </span>
          <div className="flex flex-col gap-1">
            <label htmlFor={heightId} className="text-xs text-stone-600 dark:text-stone-400">
              Height
            </label>
            <input
              id={heightId}
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              step={8}
              value={value.height}
              onChange={(e) => onChange({ ...value, height: e.target.value })}
              className="w-28 rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm tabular-nums dark:border-stone-700 dark:bg-stone-950"
            />
          </div>
          <span className="pb-2 text-xs text-stone-500 dark:text-stone-400">
            {min}–{max} px
          </span>
        </div>
      ) : null}
      {error ? <p className="text-sm text-red-600 dark:text-red-400">{error}</p> : null}
    </fieldset>
  );
}
