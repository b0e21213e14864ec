import type { Metadata } from "next";

export const metadata: Metadata = { title: "Billing" };

export default function BillingPage() {
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Billing
      </h1>
      <p className="text-stone-600 dark:text-stone-400">Your balance and every credit movement will appear here.</p>
    </section>
  );
}
