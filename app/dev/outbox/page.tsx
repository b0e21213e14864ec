import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { outboxVisibleTo } from "@/lib/dev-outbox";
import { readOutbox } from "@/lib/mail";

export const metadata: Metadata = { title: "Development outbox" };
export const dynamic = "force-dynamic";

function firstLink(text: string): string | null {
  return text.match(/https?:\/\/\S+/)?.[0] ?? null;
}

export default async function OutboxPage() {
  if (!outboxVisibleTo(await headers())) notFound();
  const mails = await readOutbox();
  return (
    <main id="main" className="mx-auto flex max-w-2xl flex-col gap-6 px-6 py-12">
      <h1 className="text-2xl font-semibold">Development outbox</h1>
      <p className="text-sm text-stone-600 dark:text-stone-400">
        Mail this studio sent while no SMTP server is configured (set EMAIL_SERVER to send real mail). This page does
        not exist on a deployed studio.
      </p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      <ul className="flex flex-col gap-4">
        {mails.map((m) => {
          const link = firstLink(m.text);
          return (
            <li key={m.id} className="rounded-xl border border-stone-200 p-4 dark:border-stone-800">
              <p className="text-sm text-stone-500">
                To {m.to} · {new Date(m.sentAt).toLocaleString("en-US")}
              </p>
              <p className="font-medium">{m.subject}</p>
              {link ? (
                <a href={link} className="text-violet-600 underline dark:text-violet-400">
                  Open the sign-in link for {m.to}
                </a>
              ) : null}
            </li>
          );
        })}
      </ul>
    </main>
  );
}
