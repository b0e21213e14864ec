"use client";

import { type Dispatch, type SetStateAction, useEffect, useRef } from "react";
import { z } from "zod";
import { type GenerationView, isPending } from "@/lib/generations/view";

// Polling, not server-sent events: the page asks only while a card is pending, each answer is one
// indexed query, it needs no open connection per tab (nor a way to fan database changes out to
// them across web servers and workers), and it works behind any proxy. 500 ms keeps a finished
// generation on screen within a second of settling.
export const POLL_INTERVAL_MS = 500;

const imageSchema = z.object({
  id: z.string(),
  index: z.number(),
  width: z.number(),
  height: z.number(),
  placeholder: z.string().nullable(),
  url: z.string(),
  thumbUrl: z.string(),
  downloadUrl: z.string(),
});
const generationSchema = z.object({
  id: z.string(),
  status: z.enum(["QUEUED", "RUNNING", "COMPLETED", "FAILED"]),
  source: z.enum(["DEMO", "API"]),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  costCredits: z.number(),
  chargedCredits: z.number(),
  refundedCredits: z.number(),
  seedUsed: z.string().nullable(),
  errorMessage: z.string().nullable(),
  settings: z.object({
    prompt: z.string(),
    sizePreset: z.string().nullable(),
    width: z.number(),
    height: z.number(),
    numImages: z.number(),
    seed: z.number().nullable(),
    enableSafetyChecker: z.boolean(),
  }),
  images: z.array(imageSchema),
});
const statusSchema = z.object({ generations: z.array(generationSchema), balance: z.number() });

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
    .filter(isPending)
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
            const settled = parsed.data.generations.filter((g) => !isPending(g));
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
