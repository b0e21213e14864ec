"use client";

import { useActionState, useState } from "react";
import { requestMagicLink } from "@/app/(auth)/actions";
import { buttonClass } from "@/components/ui/button";

export function EmailForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState(requestMagicLink, null);
  // Controlled, so a refused request (a typo, a rate limit) keeps what was typed: React resets
  // uncontrolled fields after every form action.
  const [email, setEmail] = useState("");
  const error = state && !state.ok ? state.error.message : null;
  return (
    <form action={action} className="flex flex-col gap-3" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="email" className="text-sm font-medium">
        Email
      </label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "email-error" : undefined}
        className="rounded-lg border border-stone-300 bg-white px-3 py-2 dark:border-stone-700 dark:bg-stone-900"
        placeholder="you@example.com"
      />
      {error ? (
        <p id="email-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className={buttonClass("primary")}>
        {pending ? "Sending…" : "Email me a sign-in link"}
      </button>
    </form>
  );
}
