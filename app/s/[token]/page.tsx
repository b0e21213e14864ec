import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { DemoBadge } from "@/components/generation/demo-badge";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { resolveShareToken } from "@/lib/history/share";
import { clientAddress } from "@/lib/http/client-address";
import { findModel } from "@/lib/models";
import { checkRateLimit } from "@/lib/rate-limit/policies";

// The public page behind a share link: outside the signed-in shell, not matched by proxy.ts.
// The token is looked up on every request (nothing is cached), so revoking works at once.
export const dynamic = "force-dynamic";

const load = cache((token: string) => resolveShareToken({ token }));
// One counted view per request (metadata and page share it), before any token is looked up.
const viewRefused = cache(async () =>
  checkRateLimit(db(), "sharePagePerIp", clientAddress(await headers(), env().TRUST_PROXY)),
);

async function siteOrigin(): Promise<string> {
  const configured = env().AUTH_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}

function summary(prompt: string, max: number): string {
  return prompt.length > max ? `${prompt.slice(0, max - 1)}…` : prompt;
}

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token } = await params;
  if (await viewRefused()) return { title: "Too many requests", robots: { index: false, follow: false } };
  const shared = await load(token);
  if (!shared) return { title: "Link not found", robots: { index: false, follow: false } };
  const first = shared.images[0];
  const title = summary(shared.prompt, 70);
  const description = `Made with Atelier: “${summary(shared.prompt, 180)}”`;
  const images = first
    ? [{ url: `/s/${token}/image/${first.index}`, width: first.width, height: first.height, alt: title }]
    : [];
  return {
    metadataBase: new URL(await siteOrigin()),
    title,
    description,
    // Unlisted: reachable by whoever has the link, never put in a search index.
    robots: { index: false, follow: false },
    referrer: "no-referrer",
    openGraph: { type: "website", title, description, url: `/s/${token}`, siteName: "Atelier", images },
    twitter: { card: "summary_large_image", title, description, images: images.map((i) => i.url) },
  };
}

export default async function SharedGenerationPage({ params }: Props) {
  const { token } = await params;
  // A page cannot answer 429 in the App Router; it says so instead (the image route does send 429).
  const refused = await viewRefused();
  if (refused) {
    return (
      <main id="main" className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-20">
        <h1 className="text-2xl font-semibold">Too many requests</h1>
        <p role="alert">{refused.message}</p>
      </main>
    );
  }
  const shared = await load(token);
  if (!shared) notFound();
  const model = findModel(shared.model)?.label ?? shared.model;

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-stone-200 bg-white/80 dark:border-stone-800 dark:bg-stone-900/80">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-4 py-3">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Atelier
          </Link>
          <Link href="/signin" className="text-sm text-violet-700 underline dark:text-violet-300">
            Make your own
          </Link>
        </div>
      </header>
      <main id="main" className="mx-auto flex w-full max-w-5xl flex-1 flex-col gap-6 px-4 py-8">
        <div className="flex flex-col gap-2">
          <h1 className="text-sm font-medium uppercase tracking-wide text-stone-500 dark:text-stone-400">
            Shared generation
          </h1>
          <blockquote className="max-w-3xl whitespace-pre-wrap text-xl" data-testid="shared-prompt">
            {shared.prompt}
          </blockquote>
          <p className="flex flex-wrap items-center gap-2 text-sm text-stone-600 dark:text-stone-400">
            {model} · {shared.width}×{shared.height}
            {shared.source === "DEMO" && <DemoBadge />}
          </p>
        </div>
        <ul aria-label="Images" className={`grid gap-4 ${shared.images.length > 1 ? "md:grid-cols-2" : "max-w-3xl"}`}>
          {shared.images.map((image) => (
            <li key={image.index}>
              {/* biome-ignore lint/performance/noImgElement: served by the token-checked share route */}
              <img
                src={`/s/${token}/image/${image.index}`}
                alt={`${summary(shared.prompt, 120)} (${image.index + 1} of ${shared.images.length})`}
                width={image.width}
                height={image.height}
                decoding="async"
                style={image.placeholder ? { backgroundImage: `url("${image.placeholder}")` } : undefined}
                className="h-auto w-full rounded-xl bg-stone-200 bg-cover bg-center dark:bg-stone-800"
              />
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
