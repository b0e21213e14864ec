"use client";

import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from "react";
import { type LiveConnection, watchGenerations } from "@/components/generations/watch-generations";
import { isPending } from "@/lib/generations/status";
import { awaitsThumbnails, type GenerationView } from "@/lib/generations/view";

/**
 * Keeps the studio's pending cards current: pushed by the event stream, polled only while the
 * stream is down (components/generations/watch-generations.ts). A card that has just completed is
 * followed a little longer, until its thumbnails arrive from the follow-up job (the original
 * stands in meanwhile). Nothing pending, no requests.
 * Returns whether the studio is unreachable (cards then say it is reconnecting), and whether the
 * session ended while something was pending (the page then says to sign in again).
 */
export function useLiveGenerations({
  generations,
  setGenerations,
  setBalance,
  onSettled,
}: {
  generations: GenerationView[];
  setGenerations: Dispatch<SetStateAction<GenerationView[]>>;
  setBalance: (balance: number) => void;
  onSettled: (settled: GenerationView[]) => void;
}): { reconnecting: boolean; signedOut: boolean } {
  const followed = generations.filter((g) => isPending(g.status) || awaitsThumbnails(g)).slice(0, 50);
  const followedIds = followed.map((g) => g.id).join(",");
  const pendingIds = followed
    .filter((g) => isPending(g.status))
    .map((g) => g.id)
    .join(",");
  const onSettledRef = useRef(onSettled);
  onSettledRef.current = onSettled;
  const [connection, setConnection] = useState<LiveConnection>("live");

  useEffect(() => {
    if (!followedIds) {
      setConnection("live");
      return;
    }
    // A new watch per set of followed ids: each stream starts with a read of exactly those.
    const waiting = new Set(pendingIds.split(",").filter(Boolean));
    return watchGenerations({
      ids: followedIds.split(","),
      onConnection: setConnection,
      onUpdate: ({ generations: views, balance }) => {
        const updates = new Map(views.map((g) => [g.id, g]));
        // Settled is final: a late, older answer never turns a finished card back into a pending one.
        setGenerations((current) =>
          current.map((g) => {
            const update = updates.get(g.id);
            return update && (isPending(g.status) || !isPending(update.status)) ? update : g;
          }),
        );
        setBalance(balance);
        // Each settles once, however many messages repeat it.
        const settled = views.filter((g) => !isPending(g.status) && waiting.delete(g.id));
        if (settled.length > 0) onSettledRef.current(settled);
      },
    });
  }, [followedIds, pendingIds, setGenerations, setBalance]);

  return {
    reconnecting: pendingIds !== "" && connection === "unreachable",
    signedOut: connection === "signed_out",
  };
}
