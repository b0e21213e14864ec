"use client";

import { useEffect, useRef } from "react";
import { watchGenerations } from "@/components/generations/watch-generations";
import type { GenerationView } from "@/lib/generations/view";

type Pending = {
  id: string;
  status: GenerationView["status"];
  /** Completed, its thumbnails still to come from the follow-up job: their arrival is a change too. */
  thumbnails?: boolean;
};

/** Every image has its thumbnail (the derivatives job sets the placeholder with it). */
const thumbnailed = (g: GenerationView) => g.images.every((image) => image.placeholder !== null);

/**
 * Calls `onChanged` with the generations among `pending` whose status changed, or whose awaited
 * thumbnails arrived, as the event stream (or, while it is down, the status route) reports them.
 * Nothing pending, no requests.
 */
export function useStatusChanges(pending: Pending[], onChanged: (changed: GenerationView[]) => void): void {
  const key = pending
    .slice(0, 50)
    .map((p) => `${p.id}:${p.status}:${p.thumbnails ? "thumbnails" : ""}`)
    .join(",");
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;

  useEffect(() => {
    if (!key) return;
    const known = new Map(
      key.split(",").map((entry) => {
        const [id = "", status = "", thumbnails = ""] = entry.split(":");
        return [id, { status, thumbnails: thumbnails !== "" }] as const;
      }),
    );
    return watchGenerations({
      ids: [...known.keys()],
      onConnection: () => undefined,
      onUpdate: ({ generations }) => {
        const changed = generations.filter((g) => {
          const seen = known.get(g.id);
          return seen && (seen.status !== g.status || (seen.thumbnails && thumbnailed(g)));
        });
        for (const g of changed) known.set(g.id, { status: g.status, thumbnails: false });
        if (changed.length > 0) onChangedRef.current(changed);
      },
    });
  }, [key]);
}
