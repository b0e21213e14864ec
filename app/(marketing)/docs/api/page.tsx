import type { Metadata } from "next";
import Link from "next/link";
import { apiBaseUrl } from "@/lib/api/base-url";
import { apiEditExamples, apiExamples } from "@/lib/api/examples";
import { CodeExample } from "./_components/code-example";

export const metadata: Metadata = { title: "API · Atelier" };
export const dynamic = "force-dynamic";

export default async function ApiDocsPage() {
  const base = await apiBaseUrl();
  const examples = apiExamples(base);
  const edit = apiEditExamples(base);
  return (
    <main id="main" className="mx-auto flex max-w-4xl flex-col gap-8 px-6 py-12">
      <header className="flex flex-col gap-3">
        <Link href="/" className="text-sm text-stone-600 hover:underline dark:text-stone-400">
          ← Atelier
        </Link>
        <h1 className="text-3xl font-semibold tracking-tight">API</h1>
        <p className="text-stone-700 dark:text-stone-300">
          Generate images from your own code with the official <code>openai</code> clients, unchanged, paying with the
          same credits as the studio. Base URL: <code className="font-mono">{base}</code>. Create a key under{" "}
          <Link href="/settings/api-keys" className="underline">
            API keys
          </Link>{" "}
          and send it as <code className="font-mono">Authorization: Bearer atl_…</code>. The full reference is the{" "}
          <a href="/v1/openapi.json" className="underline">
            OpenAPI document
          </a>
          .
        </p>
      </header>
      <section aria-labelledby="examples" className="flex flex-col gap-6">
        <h2 id="examples" className="text-xl font-semibold">
          Generate an image
        </h2>
        <p className="text-sm text-stone-700 dark:text-stone-300">
          Each example reads the key from <code>ATELIER_API_KEY</code>. The call waits for the image and returns a
          signed link valid for an hour.
        </p>
        <CodeExample title="curl" code={examples.curl} />
        <CodeExample title="JavaScript (openai)" code={examples.javascript} />
        <CodeExample title="Python (openai)" code={examples.python} />
      </section>
      <section aria-labelledby="edit-examples" className="flex flex-col gap-6">
        <h2 id="edit-examples" className="text-xl font-semibold">
          Edit images
        </h2>
        <p className="text-sm text-stone-700 dark:text-stone-300">
          <code>POST /v1/images/edits</code> takes one image as <code>image</code>, or several as <code>image[]</code>{" "}
          (PNG, JPEG or WebP, up to 10 MB each); each is kept as one of your reference images. The model is Seedream 4.0
          Edit unless you name Seedream 4.5 or 5.0 Lite. <code>mask</code> is not supported: describe the change in the
          prompt.
        </p>
        <CodeExample title="curl" code={edit.curl} />
        <CodeExample title="JavaScript (openai)" code={edit.javascript} />
        <CodeExample title="Python (openai)" code={edit.python} />
      </section>
      <section aria-labelledby="semantics" className="flex flex-col gap-3 text-sm text-stone-700 dark:text-stone-300">
        <h2 id="semantics" className="text-xl font-semibold text-stone-900 dark:text-stone-100">
          How it behaves
        </h2>
        <ul className="list-disc space-y-2 pl-5">
          <li>
            <strong>Billing</strong> is the studio&apos;s ledger: credits are reserved when a request is accepted,
            charged per image received, and refunded for anything that fails. Too few credits: <code>402</code>, naming
            your balance and the cost.
          </li>
          <li>
            <strong>Idempotency-Key</strong>: the same key with the same body returns the same generation, charged once,
            for 24 hours; the same key with another body is a <code>409</code>.
          </li>
          <li>
            <strong>Long generations</strong>: send <code>Prefer: respond-async</code> (or wait past the studio&apos;s
            limit) to get <code>202</code> with a <code>Location</code> such as <code>/v1/generations/&lt;id&gt;</code>{" "}
            to poll.
          </li>
          <li>
            <strong>Reading</strong>: <code>GET /v1/generations</code> (your history, with the history page&apos;s
            filters and a cursor), <code>GET /v1/generations/&lt;id&gt;</code>, <code>GET /v1/balance</code>.
          </li>
          <li>
            Errors use OpenAI&apos;s shape, <code>{"{ error: { message, type, param, code } }"}</code>, and every answer
            carries <code>X-Request-Id</code>.
          </li>
        </ul>
      </section>
    </main>
  );
}
