"use client";

import { useEffect, useRef } from "react";
import { watchGenerations } from "@/components/generations/watch-generations";
import type { GenerationView } from "@/lib/generations/view";

type Pending = { id: string; status: GenerationView["status"] };

/**
 * Calls `onChanged` with the generations among `pending` whose status changed, as the event stream
 * (or, while it is down, the status route) reports them. Nothing pending, no requests.
 */
export function useStatusChanges(pending: Pending[], onChanged: (changed: GenerationView[]) => void): void {
  const key = pending
    .slice(0, 50)
    .map((p) => `${p.id}:${p.status}`)
    .join(",");
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;

  useEffect(() => {
    if (!key) return;
    const known = new Map(key.split(",").map((entry) => entry.split(":") as [string, string]));
    return watchGenerations({
      ids: [...known.keys()],
      onConnection: () => undefined,
      onUpdate: ({ generations }) => {
        const changed = generations.filter((g) => known.has(g.id) && known.get(g.id) !== g.status);
        for (const g of changed) known.set(g.id, g.status);
        if (changed.length > 0) onChangedRef.current(changed);
      },
    });
  }, [key]);
}
