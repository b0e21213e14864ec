"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import type { ActionResult } from "@/lib/action";

type Action<T> = (previous: ActionResult<T> | null, formData: FormData) => Promise<ActionResult<T>>;

/**
 * A form posting to one admin action: shows the action's message (error, or what `message` makes
 * of its result) and refreshes the page's server data after a success.
 */
export function ActionForm<T>({
  action,
  message,
  children,
  className = "flex flex-col gap-2",
  label,
}: {
  action: Action<T>;
  message: (data: T) => string;
  children: React.ReactNode;
  className?: string;
  label: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} className={className} aria-label={label} aria-busy={pending}>
      {children}
      {state ? (
        <p
          role={state.ok ? "status" : "alert"}
          className={`text-sm whitespace-pre-line ${state.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-600 dark:text-red-400"}`}
        >
          {state.ok ? message(state.data) : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
