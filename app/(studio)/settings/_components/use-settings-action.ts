"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "@/lib/action";

/**
 * Runs the settings pages' server actions one at a time: `busy` while one runs, its outcome in
 * `message` / `error` (for ActionFeedback), and the page's data refreshed after a success.
 */
export function useSettingsAction() {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  /**
   * `confirm`, when given, is asked first (nothing runs if the user says no). `done` is the message
   * shown on success, or made from the action's data. Resolves to the data, or null.
   */
  async function run<T>(
    action: () => Promise<ActionResult<T>>,
    { done, confirm }: { done: string | ((data: T) => string); confirm?: string },
  ): Promise<T | null> {
    if (confirm && !window.confirm(confirm)) return null;
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return null;
    }
    setError("");
    setMessage(typeof done === "string" ? done : done(result.data));
    router.refresh();
    return result.data;
  }

  return { busy, message, error, setMessage, run };
}
