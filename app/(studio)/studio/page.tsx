import type { Metadata } from "next";

export const metadata: Metadata = { title: "Studio" };

export default function StudioPage() {
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Studio
      </h1>
      <p className="text-stone-600 dark:text-stone-400">
        Write a prompt to make your first image. (The studio arrives with generation.)
      </p>
    </section>
  );
}
