"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { GenerationSettings } from "@/lib/generations/settings";
import type { GenerationView } from "@/lib/generations/view";
import type { ModelChoice } from "@/lib/models";
import type { ReferenceView } from "@/lib/references/view";
import { GenerationCard } from "./generation-card";
import { type FormPreset, GenerationForm } from "./generation-form";
import { useLiveGenerations } from "./use-live-generations";

/**
 * The studio: the form, and the user's generations as cards. A submitted generation is shown at
 * once; pending cards follow the event stream (or the status route while it is down) until they settle.
 */
export function Studio({
  models,
  demo,
  safetyChoice,
  balance: initialBalance,
  spendingLocked,
  initialGenerations,
  initialSettings,
  initialReferences,
  serverNow,
}: {
  /** The model picker's choices, the default first. */
  models: ModelChoice[];
  /** No AI/ML API key: new generations come from the local demo source. */
  demo: boolean;
  /** SAFETY_CHECKER=user-choice: the form offers the safety checker's switch. */
  safetyChoice: boolean;
  balance: number;
  spendingLocked: boolean;
  initialGenerations: GenerationView[];
  initialSettings: GenerationSettings | null;
  /** References to open the form with (/studio?reference=<id>). */
  initialReferences: ReferenceView[];
  /** The server's clock when it rendered the page: elapsed times are counted on the server's clock. */
  serverNow: number;
}) {
  const router = useRouter();
  const [generations, setGenerations] = useState(initialGenerations);
  const [balance, setBalance] = useState(initialBalance);
  const [preset, setPreset] = useState<FormPreset | null>(
    initialSettings ? { settings: initialSettings, version: 0 } : null,
  );
  const [announcement, setAnnouncement] = useState("");
  const formRef = useRef<HTMLDivElement>(null);
  // Measured once; the few hundred ms between render and hydration do not matter for a seconds counter.
  const [clockOffsetMs] = useState(() => serverNow - Date.now());

  const onSettled = useCallback(
    (settled: GenerationView[]) => {
      const done = settled.filter((g) => g.status === "COMPLETED").length;
      const failed = settled.length - done;
      setAnnouncement(
        [
          done ? `${done} generation${done === 1 ? "" : "s"} finished.` : "",
          failed ? `${failed} failed and refunded.` : "",
        ]
          .filter(Boolean)
          .join(" "),
      );
      // The header's balance is rendered by the server layout.
      router.refresh();
    },
    [router],
  );

  const { reconnecting, signedOut } = useLiveGenerations({ generations, setGenerations, setBalance, onSettled });

  // The layout re-renders with a fresh balance after router.refresh(); take it when it changes.
  useEffect(() => setBalance(initialBalance), [initialBalance]);

  const onSubmitted = useCallback(
    (generation: GenerationView, newBalance: number) => {
      setGenerations((current) => [generation, ...current.filter((g) => g.id !== generation.id)]);
      setBalance(newBalance);
      setAnnouncement("Generation started.");
      router.refresh();
    },
    [router],
  );

  // Refused for lack of credits (another tab spent them): show the balance the server just read,
  // here and in the header.
  const onRefused = useCallback(
    (freshBalance: number) => {
      setBalance(freshBalance);
      router.refresh();
    },
    [router],
  );

  const reuse = useCallback((settings: GenerationSettings) => {
    setPreset((current) => ({ settings, version: (current?.version ?? 0) + 1 }));
    formRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
    formRef.current?.querySelector<HTMLTextAreaElement>("textarea")?.focus({ preventScroll: true });
  }, []);

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(20rem,26rem)_1fr] lg:items-start">
      <div ref={formRef} className="lg:sticky lg:top-4">
        <GenerationForm
          models={models}
          demo={demo}
          safetyChoice={safetyChoice}
          balance={balance}
          spendingLocked={spendingLocked}
          preset={preset}
          onSubmitted={onSubmitted}
          onRefused={onRefused}
          initialReferences={initialReferences}
        />
      </div>
      <section aria-labelledby="results-title" className="flex min-w-0 flex-col gap-4">
        <h2 id="results-title" className="text-lg font-semibold">
          Your generations
        </h2>
        <p aria-live="polite" className="sr-only">
          {announcement}
        </p>
        {signedOut ? (
          <p
            role="alert"
            className="rounded-xl bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          >
            Your session has ended, so this page stopped following your generations. They keep running and appear in
            your history.{" "}
            <a href="/signin?callbackUrl=%2Fstudio" className="font-medium underline">
              Sign in again
            </a>
          </p>
        ) : null}
        {generations.length === 0 ? (
          <p className="rounded-xl border border-dashed border-stone-300 p-8 text-center text-stone-600 dark:border-stone-700 dark:text-stone-400">
            Nothing here yet. Write a prompt and press Generate: your images appear here.
          </p>
        ) : (
          <ul className="grid gap-4 xl:grid-cols-2">
            {generations.map((g) => (
              <li key={g.id}>
                <GenerationCard
                  generation={g}
                  clockOffsetMs={clockOffsetMs}
                  {...(models.some((m) => m.id === g.settings.model) ? { onReuse: reuse } : {})}
                  reconnecting={reconnecting}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
