import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { buttonClass } from "@/components/ui/button";
import { env } from "@/lib/env";
import { DEFAULT_MODEL, pickerModels } from "@/lib/models";
import { CREDIT_PACKS, formatMoney } from "@/lib/pricing";

/** The card link previews show. Its URL must be absolute: AUTH_URL, the studio's public address. */
export async function generateMetadata(): Promise<Metadata> {
  await connection(); // AUTH_URL is read at run time, not baked in at build time
  const base = env().AUTH_URL;
  const image = { url: "/og-image.png", width: 1200, height: 630, alt: "Atelier: describe it, see it" };
  return {
    ...(base ? { metadataBase: new URL(base) } : {}),
    openGraph: {
      type: "website",
      siteName: "Atelier",
      title: "Atelier: describe it, see it",
      description: "Images from ByteDance Seedream 4.0, paid per image with credits.",
      images: [image],
    },
    twitter: { card: "summary_large_image", images: [image.url] },
  };
}

export default function LandingPage() {
  const prices = pickerModels().map((m) => m.creditsPerImage);
  const [cheapest, dearest] = [Math.min(...prices), Math.max(...prices)];
  return (
    <main id="main" className="mx-auto flex max-w-5xl flex-col gap-16 px-6 py-16">
      <header className="flex items-center justify-between">
        <span className="text-xl font-semibold tracking-tight">Atelier</span>
        <Link href="/studio" className={buttonClass("secondary")}>
          Sign in
        </Link>
      </header>
      <section className="flex flex-col gap-6">
        <h1 className="text-4xl font-semibold tracking-tight sm:text-5xl">Describe it. See it.</h1>
        <p className="max-w-2xl text-lg text-stone-600 dark:text-stone-400">
          Atelier is an image studio built on ByteDance Seedream 4.0. Write a prompt, choose a size up to 4096×4096, and
          get up to four images at once. Everything you make stays in your history, searchable and ready to reuse.
        </p>
        <div>
          <Link href="/studio" className={buttonClass("primary", "px-6 py-3 text-base")}>
            Open the studio
          </Link>
        </div>
      </section>
      <section aria-labelledby="pricing" className="flex flex-col gap-6">
        <h2 id="pricing" className="text-2xl font-semibold">
          Pricing
        </h2>
        <p className="text-stone-600 dark:text-stone-400">
          Pay only for images you receive: {cheapest === dearest ? cheapest : `${cheapest} to ${dearest}`} credits per
          image, depending on the model ({DEFAULT_MODEL.label}: {DEFAULT_MODEL.creditsPerImage}). Failed generations are
          refunded automatically. New accounts start with free credits. No subscription.
        </p>
        <ul className="grid gap-4 sm:grid-cols-3">
          {CREDIT_PACKS.map((pack) => (
            <li key={pack.id} className="rounded-xl border border-stone-200 p-6 dark:border-stone-800">
              <p className="font-medium">{pack.name}</p>
              <p className="mt-2 text-3xl font-semibold">{formatMoney(pack.amountCents)}</p>
              <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">
                {pack.credits} credits · {pack.blurb}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
