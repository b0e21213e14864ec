import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col items-start gap-4 px-6 py-24">
      <p className="text-sm font-medium text-violet-600">404</p>
      <h1 className="text-3xl font-semibold">This page does not exist</h1>
      <p className="text-stone-600 dark:text-stone-400">The link may be old, or the page may have moved.</p>
      <Link href="/" className={buttonClass("secondary")}>
        Back to Atelier
      </Link>
    </main>
  );
}
