import type { Metadata } from "next";
import Link from "next/link";
import { outboxEnabled } from "@/lib/env";

export const metadata: Metadata = { title: "Check your email" };
export const dynamic = "force-dynamic";

export default function CheckEmailPage() {
  return (
    <main id="main" className="mx-auto flex max-w-sm flex-col gap-4 px-6 py-20">
      <h1 className="text-2xl font-semibold">Check your email</h1>
      <p className="text-stone-600 dark:text-stone-400">We sent you a sign-in link. It works once, for 24 hours.</p>
      {outboxEnabled() ? (
        <p className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          No mail server is configured on this machine, so the mail is in the{" "}
          <Link href="/dev/outbox" className="underline">
            development outbox
          </Link>
          .
        </p>
      ) : null}
    </main>
  );
}
