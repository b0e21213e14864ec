"use client";

import { useRouter } from "next/navigation";
import type { GenerationView } from "@/lib/generations/view";
import { useStatusChanges } from "./use-status-changes";

/** While the generation is queued or running, re-render its page each time its status changes. */
export function LiveRefresh({ id, status }: { id: string; status: GenerationView["status"] }) {
  const router = useRouter();
  const pending = status === "QUEUED" || status === "RUNNING";
  useStatusChanges(pending ? [{ id, status }] : [], () => router.refresh());
  return null;
}
