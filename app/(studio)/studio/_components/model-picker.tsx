"use client";

import { useId } from "react";
import type { ModelChoice } from "@/lib/models";

/** "Takes 1 to 10 reference images" and the like, from the model's limits. */
function referencesHint(model: ModelChoice): string | null {
  const limits = model.references;
  if (!limits) return null;
  if (limits.min === 0) return `Takes up to ${limits.max} reference images (optional).`;
  if (limits.min === limits.max) return `Takes exactly ${limits.min} image.`;
  return `Needs ${limits.min} to ${limits.max} reference images.`;
}

/** The models of the registry offered in the picker, each with its price per image and one line about it. */
export function ModelPicker({
  models,
  value,
  onChange,
}: {
  models: ModelChoice[];
  value: ModelChoice;
  onChange: (model: ModelChoice) => void;
}) {
  const selectId = useId();
  const aboutId = useId();
  const hint = referencesHint(value);
  return (
    <>
      <label htmlFor={selectId} className="text-sm font-medium">
        Model
      </label>
      <select
        id={selectId}
        name="model"
        value={value.id}
        onChange={(e) => {
          const next = models.find((m) => m.id === e.target.value);
          if (next) onChange(next);
        }}
        aria-describedby={aboutId}
        className="w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-700 dark:bg-stone-950"
      >
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {`${m.label} · ${m.creditsPerImage} credits per image`}
          </option>
        ))}
      </select>
      <p id={aboutId} className="text-xs text-stone-500 dark:text-stone-400">
        {value.description}
        {hint ? ` ${hint}` : ""}
      </p>
    </>
  );
}
