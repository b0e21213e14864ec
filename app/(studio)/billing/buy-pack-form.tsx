"use client";

import { useActionState } from "react";
import { buttonClass } from "@/components/ui/button";
import { buyPack } from "./actions";

export function BuyPackForm({ packId, packName, disabled }: { packId: string; packName: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(buyPack, null);
  const error = state && !state.ok ? state.error.message : null;
  const errorId = `buy-${packId}-error`;
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="packId" value={packId} />
      <button
        type="submit"
        disabled={disabled || pending}
        aria-describedby={error ? errorId : undefined}
        className={buttonClass("primary", "w-full")}
      >
        {pending ? "Opening checkout…" : `Buy ${packName} pack`}
      </button>
      {error ? (
        <p id={errorId} role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </form>
  );
}
