import type { Metadata } from "next";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        History
      </h1>
      <p className="text-stone-600 dark:text-stone-400">Nothing here yet. Every image you generate will appear here.</p>
    </section>
  );
}
