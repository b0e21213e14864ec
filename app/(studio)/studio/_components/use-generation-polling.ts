"use client";

import { type Dispatch, type SetStateAction, useEffect, useRef } from "react";
import { z } from "zod";
import { isPending } from "@/lib/generations/status";
import { type GenerationView, generationViewSchema } from "@/lib/generations/view";

// Polling, not server-sent events: the page asks only while a card is pending, each answer is one
// indexed query, it needs no open connection per tab (nor a way to fan database changes out to
// them across web servers and workers), and it works behind any proxy. 500 ms keeps a finished
// generation on screen within a second of settling.
export const POLL_INTERVAL_MS = 500;

// The status route's answer, parsed with the server's own view schema.
const statusSchema = z.object({ generations: z.array(generationViewSchema), balance: z.number() });

export function useGenerationPolling({
  generations,
  setGenerations,
  setBalance,
  onSettled,
}: {
  generations: GenerationView[];
  setGenerations: Dispatch<SetStateAction<GenerationView[]>>;
  setBalance: (balance: number) => void;
  onSettled: (settled: GenerationView[]) => void;
}) {
  const pendingIds = generations
    .filter((g) => isPending(g.status))
    .map((g) => g.id)
    .join(",");
  const onSettledRef = useRef(onSettled);
  onSettledRef.current = onSettled;

  useEffect(() => {
    if (!pendingIds) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch(`/api/generations/status?ids=${encodeURIComponent(pendingIds)}`, {
          cache: "no-store",
        });
        if (response.ok && !stopped) {
          const parsed = statusSchema.safeParse(await response.json());
          if (parsed.success && !stopped) {
            const updates = new Map(parsed.data.generations.map((g) => [g.id, g]));
            const settled = parsed.data.generations.filter((g) => !isPending(g.status));
            setGenerations((current) => current.map((g) => updates.get(g.id) ?? g));
            setBalance(parsed.data.balance);
            if (settled.length > 0) onSettledRef.current(settled);
          }
        }
      } catch {
        // Offline for a moment: the next tick tries again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_INTERVAL_MS);
    };
    timer = setTimeout(poll, POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [pendingIds, setGenerations, setBalance]);
}
