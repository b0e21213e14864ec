"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState, useTransition } from "react";
import { DemoBadge } from "@/components/generation/demo-badge";
import { buttonClass } from "@/components/ui/button";
import {
  DEFAULT_SETTINGS,
  type GenerationSettings,
  normalizePrompt,
  PROMPT_MAX_LENGTH,
  promptLength,
  SEED_MAX,
  type SettingsInput,
} from "@/lib/generations/settings";
import type { GenerationView } from "@/lib/generations/view";
import type { ModelChoice } from "@/lib/models";
import { type ReferenceView, referenceViewOfId } from "@/lib/references/view";
import { generateAction } from "../actions";
import { CopyButton } from "./copy-button";
import { ModelPicker } from "./model-picker";
import { ReferencePicker } from "./reference-picker";
import { SizePicker, type SizeValue } from "./size-picker";

/** Settings to load into the form ("reuse settings"); a new version reloads the same settings again. */
export type FormPreset = { settings: GenerationSettings; version: number };

type FormState = {
  model: string;
  prompt: string;
  size: SizeValue;
  numImages: number;
  seedMode: "random" | "fixed";
  seed: string;
  safety: boolean;
  /** Reference images, in order (reused settings bring them back). */
  referenceIds: string[];
};

function fromSettings(s: GenerationSettings, models: ModelChoice[]): FormState {
  // A model outside the picker (the upscaler) or gone from the registry: the form's first model.
  if (!models.some((m) => m.id === s.model)) s = { ...DEFAULT_SETTINGS, prompt: s.prompt };
  return {
    model: s.model,
    prompt: s.prompt,
    size: { preset: s.sizePreset ?? "custom", width: String(s.width), height: String(s.height) },
    numImages: s.numImages,
    seedMode: s.seed === null ? "random" : "fixed",
    seed: s.seed === null ? "" : String(s.seed),
    safety: s.enableSafetyChecker,
    referenceIds: s.referenceIds,
  };
}

/** The form's state moved to another model: a size and count it takes (the picker keeps every reference). */
function switchModel(state: FormState, model: ModelChoice): FormState {
  const { presets, defaultPreset, custom } = model.size;
  const keepSize = state.size.preset === "custom" ? custom !== null : Object.hasOwn(presets, state.size.preset);
  const preset = presets[defaultPreset];
  const size =
    keepSize || !preset
      ? state.size
      : { preset: defaultPreset, width: String(preset.width), height: String(preset.height) };
  return {
    ...state,
    model: model.id,
    size,
    numImages: Math.min(state.numImages, model.images.max),
  };
}

function FieldError({ message }: { message: string | undefined }) {
  return message ? <p className="text-sm text-red-600 dark:text-red-400">{message}</p> : null;
}

/**
 * The form as it opens: a preset's settings ("Reuse settings"), else the defaults; opened with
 * references ("Use as reference") and no preset, on the first model that takes them, holding them.
 */
function initialState(models: ModelChoice[], preset: FormPreset | null, references: ReferenceView[]): FormState {
  if (preset) return fromSettings(preset.settings, models);
  const state = fromSettings(DEFAULT_SETTINGS, models);
  if (references.length === 0) return state;
  const editor = models.find((m) => (m.references?.max ?? 0) > 0);
  return { ...(editor ? switchModel(state, editor) : state), referenceIds: references.map((r) => r.id) };
}

function chosenModel(models: ModelChoice[], id: string): ModelChoice {
  const model = models.find((m) => m.id === id) ?? models[0];
  if (!model) throw new Error("the studio has no model to offer");
  return model;
}

function randomSeed(): number {
  const [value = 1] = crypto.getRandomValues(new Uint32Array(1));
  return (value % SEED_MAX) + 1;
}

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function GenerationForm({
  models,
  demo,
  safetyChoice,
  balance,
  spendingLocked,
  preset,
  onSubmitted,
  onRefused,
  initialReferences = [],
}: {
  /** The model picker's choices (lib/models: the registry), the default first. */
  models: ModelChoice[];
  demo: boolean;
  /** Offer the safety checker's switch (SAFETY_CHECKER=user-choice); else the server keeps it on. */
  safetyChoice: boolean;
  balance: number;
  spendingLocked: boolean;
  preset: FormPreset | null;
  onSubmitted: (generation: GenerationView, balance: number) => void;
  /** Refused for lack of credits, with the balance the server found. */
  onRefused: (balance: number) => void;
  /** References the studio opens with (/studio?reference=<id>). */
  initialReferences?: ReferenceView[];
}) {
  const [state, setState] = useState<FormState>(() => initialState(models, preset, initialReferences));
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, startTransition] = useTransition();
  const [shortcut, setShortcut] = useState("Ctrl+Enter");
  // One key per press of Generate: a retry of the same press (double click, lost answer) reuses it.
  const submissionKey = useRef<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const ids = {
    prompt: useId(),
    count: useId(),
    images: useId(),
    seed: useId(),
    error: useId(),
    cost: useId(),
  };

  useEffect(() => setShortcut(isMac() ? "⌘+Enter" : "Ctrl+Enter"), []);
  useEffect(() => {
    if (preset) {
      setState(fromSettings(preset.settings, models));
      setError(null);
    }
  }, [preset, models]);

  const update = (patch: Partial<FormState>) => {
    submissionKey.current = null;
    setState((s) => ({ ...s, ...patch }));
  };

  const model = chosenModel(models, state.model);
  // The same count, of the same normalised text, as the server's check.
  const length = promptLength(normalizePrompt(state.prompt));
  const cost = state.numImages * model.creditsPerImage;
  const affordable = balance >= cost;
  const tooLong = length > PROMPT_MAX_LENGTH;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (pending) return;
    submissionKey.current ??= crypto.randomUUID();
    const idempotencyKey = submissionKey.current;
    const custom = state.size.preset === "custom";
    const settings: SettingsInput = {
      model: model.id,
      prompt: state.prompt,
      sizePreset: state.size.preset,
      ...(custom ? { width: state.size.width, height: state.size.height } : {}),
      numImages: state.numImages,
      ...(model.seed ? { seed: state.seedMode === "fixed" ? state.seed : null } : {}),
      ...(safetyChoice && model.safetyChecker ? { enableSafetyChecker: state.safety } : {}),
      // The picker keeps what the model cannot take (and says so): only the first ones are sent.
      referenceIds: state.referenceIds.slice(0, model.references?.max ?? 0),
    };
    startTransition(async () => {
      try {
        const result = await generateAction({ idempotencyKey, ...settings });
        if (result.ok) {
          submissionKey.current = null;
          setError(null);
          onSubmitted(result.data.generation, result.data.balance);
        } else {
          // A refusal is final for these settings: the next press is a new submission.
          submissionKey.current = null;
          setError({ message: result.error.message, fields: result.error.fields ?? {} });
          if (result.error.balance !== undefined) onRefused(result.error.balance);
        }
      } catch {
        // The answer was lost (network): the same key is sent again on the next press.
        setError({
          message: "The studio could not be reached. Check your connection and press Generate again.",
          fields: {},
        });
      }
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  }

  const fieldError = (name: string) => error?.fields[name];
  const sizeError = fieldError("sizePreset") ?? fieldError("width") ?? fieldError("height");

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-describedby={error ? ids.error : undefined}
      className="flex flex-col gap-5 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-5 dark:border-stone-800 dark:bg-stone-900"
      noValidate
    >
      {demo ? (
        <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:bg-amber-950/60 dark:text-amber-100">
          <DemoBadge />
          <span>
            No AI model is connected to this studio: images come from the local demo source (abstract art that follows
            your seed and size) and are labelled Demo.
          </span>
        </p>
      ) : null}
      <div className="flex flex-col gap-1.5">
        <ModelPicker
          models={models}
          value={model}
          onChange={(next) => {
            submissionKey.current = null;
            setState((s) => switchModel(s, next));
          }}
        />
        <FieldError message={fieldError("model")} />
      </div>

      {model.references || state.referenceIds.length > 0 ? (
        <div className="flex flex-col gap-1.5">
          <ReferencePicker
            key={preset?.version ?? "initial"}
            limit={model.references?.max ?? 0}
            modelLabel={model.label}
            initial={
              preset ? fromSettings(preset.settings, models).referenceIds.map(referenceViewOfId) : initialReferences
            }
            onChange={(referenceIds) => update({ referenceIds })}
          />
          <FieldError message={fieldError("referenceIds")} />
        </div>
      ) : null}

      <div className="flex flex-col gap-1.5">
        <div className="flex items-baseline justify-between">
          <label htmlFor={ids.prompt} className="text-sm font-medium">
            Prompt
          </label>
          <span
            id={ids.count}
            className={`text-xs tabular-nums ${tooLong ? "font-semibold text-red-600 dark:text-red-400" : "text-stone-500 dark:text-stone-400"}`}
          >
            {length} / {PROMPT_MAX_LENGTH}
          </span>
        </div>
        <textarea
          id={ids.prompt}
          name="prompt"
          value={state.prompt}
          onChange={(e) => update({ prompt: e.target.value })}
          rows={5}
          required
          aria-describedby={ids.count}
          aria-invalid={tooLong || Boolean(fieldError("prompt")) || undefined}
          placeholder="A lighthouse at dusk, oil on canvas, warm light on the waves"
          className="w-full resize-y rounded-lg border border-stone-300 bg-white px-3 py-2 text-base outline-none focus:border-violet-500 dark:border-stone-700 dark:bg-stone-950"
        />
        <FieldError message={fieldError("prompt")} />
      </div>

      <SizePicker rules={model.size} value={state.size} onChange={(size) => update({ size })} error={sizeError} />

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1.5 text-sm font-medium">Number of images</legend>
        <div className="flex gap-2">
          {Array.from({ length: model.images.max }, (_, i) => i + 1).map((n) => (
            <label
              key={n}
              className="flex h-10 min-w-10 cursor-pointer items-center justify-center rounded-lg border border-stone-300 px-3 text-sm font-medium has-[:checked]:border-violet-600 has-[:checked]:bg-violet-600 has-[:checked]:text-white has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-violet-500 dark:border-stone-700"
            >
              <input
                type="radio"
                name="numImages"
                value={n}
                checked={state.numImages === n}
                onChange={() => update({ numImages: n })}
                className="sr-only"
              />
              <span className="sr-only">{n === 1 ? "1 image" : `${n} images`}</span>
              <span aria-hidden="true">{n}</span>
            </label>
          ))}
        </div>
        {model.images.via === "calls" && state.numImages > 1 ? (
          <p className="text-xs text-stone-500 dark:text-stone-400">
            {model.label} makes one image per request: each is charged when it arrives, and any that fails is refunded.
          </p>
        ) : null}
        <FieldError message={fieldError("numImages")} />
      </fieldset>

      {model.seed ? (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1.5 text-sm font-medium">Seed</legend>
          <div className="flex flex-wrap items-center gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="seedMode"
                checked={state.seedMode === "random"}
                onChange={() => update({ seedMode: "random" })}
                className="accent-violet-600"
              />
              Random
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="seedMode"
                checked={state.seedMode === "fixed"}
                onChange={() => update({ seedMode: "fixed", seed: state.seed || String(randomSeed()) })}
                className="accent-violet-600"
              />
              Fixed
            </label>
          </div>
          {state.seedMode === "fixed" ? (
            <div className="flex items-center gap-2">
              <label htmlFor={ids.seed} className="sr-only">
                Seed value
              </label>
              <input
                id={ids.seed}
                inputMode="numeric"
                value={state.seed}
                onChange={(e) => update({ seed: e.target.value.replace(/[^0-9]/g, "") })}
                aria-invalid={Boolean(fieldError("seed")) || undefined}
                className="w-40 rounded-lg border border-stone-300 bg-white px-3 py-2 font-mono text-sm tabular-nums dark:border-stone-700 dark:bg-stone-950"
              />
              <CopyButton value={state.seed} label="Copy seed" />
              <button
                type="button"
                onClick={() => update({ seed: String(randomSeed()) })}
                className={buttonClass("ghost", "px-2 py-1")}
              >
                New seed
              </button>
            </div>
          ) : (
            <p className="text-xs text-stone-500 dark:text-stone-400">
              A new seed each time; each result shows its seed so you can fix it later.
            </p>
          )}
          <FieldError message={fieldError("seed")} />
        </fieldset>
      ) : null}

      {safetyChoice && model.safetyChecker ? (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="enableSafetyChecker"
            checked={state.safety}
            onChange={(e) => update({ safety: e.target.checked })}
            className="h-4 w-4 accent-violet-600"
          />
          Safety checker
        </label>
      ) : null}

      <div className="flex flex-col gap-2 border-t border-stone-200 pt-4 dark:border-stone-800">
        <p id={ids.cost} className="text-sm text-stone-700 dark:text-stone-300">
          Cost: <strong className="tabular-nums">{cost} credits</strong>
          <span className="text-stone-500 dark:text-stone-400">
            {" "}
            ({model.creditsPerImage} per image) · Balance:{" "}
            <span className="tabular-nums" data-testid="form-balance">
              {balance}
            </span>{" "}
            credits
          </span>
        </p>
        {spendingLocked ? (
          <p className="text-sm text-amber-700 dark:text-amber-400">
            Generating is paused while a card payment is disputed.
          </p>
        ) : !affordable ? (
          <p className="text-sm text-amber-700 dark:text-amber-400">
            Not enough credits for this.{" "}
            <a href="/billing" className="underline">
              Buy credits
            </a>
          </p>
        ) : null}
        {error ? (
          <p id={ids.error} role="alert" className="text-sm text-red-600 dark:text-red-400">
            {error.message}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={pending || spendingLocked}
          aria-describedby={ids.cost}
          className={buttonClass("primary", "h-11 text-base")}
        >
          {pending ? "Starting…" : "Generate"}
        </button>
        <p className="text-center text-xs text-stone-500 dark:text-stone-400">
          <kbd className="font-sans">{shortcut}</kbd> to generate
        </p>
      </div>
    </form>
  );
}
