import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DemoBadge } from "@/components/generation/demo-badge";
import { StatusBadge } from "@/components/generation/status-badge";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { GENERATION_MESSAGES } from "@/lib/generations/messages";
import { reproducibleSeed, sizeChoiceOf, titleOf } from "@/lib/generations/settings";
import { isPending } from "@/lib/generations/status";
import { getGeneration } from "@/lib/history/queries";
import { recordIdSchema } from "@/lib/history/schemas";
import { listShareLinks } from "@/lib/history/share";
import { findModel } from "@/lib/models";
import { madeFrom, usedIn } from "@/lib/references/lineage";
import { DetailActions } from "../_components/detail-actions";
import { formatBytes, formatDateTime, formatDuration } from "../_components/format";
import { MadeFrom, UsedIn } from "../_components/lineage";
import { LiveRefresh } from "../_components/live-refresh";
import { SharePanel } from "../_components/share-panel";
import { UpscaleImage } from "../_components/upscale-image";
import { UseAsReferenceButton } from "../_components/use-as-reference";

export const metadata: Metadata = { title: "Generation" };

const FORMATS: Record<string, string> = { "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP" };

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 py-2 sm:flex-row sm:gap-4">
      <dt className="w-44 shrink-0 text-sm text-stone-600 dark:text-stone-400">{term}</dt>
      <dd className="text-sm break-words tabular-nums">{children}</dd>
    </div>
  );
}

// Another user's generation and a missing one give the same 404: ids reveal nothing.
export default async function GenerationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const generation = await getGeneration({ userId: user.id, id: id.data });
  if (!generation) notFound();
  const [links, sources, uses] = await Promise.all([
    listShareLinks({ userId: user.id, generationId: generation.id }),
    madeFrom(db(), { userId: user.id, generationId: generation.id }),
    usedIn(db(), { userId: user.id, generationId: generation.id }),
  ]);
  const inFlight = isPending(generation.status);
  const preset = sizeChoiceOf(generation);
  const model = findModel(generation.model);
  const { createdAt, startedAt, completedAt } = generation;
  // The seed re-run and "Reuse settings" submit: the one actually used. A model without a seed (the
  // upscaler) re-runs from its settings alone (lib/history/rerun.ts).
  const seed = reproducibleSeed(generation);
  // The studio's form offers the picker's models only: an upscale is made again from its image.
  const reusable = model?.inPicker === true;
  // Rendered per request, so "now" for expiry labels is this request's time.
  const now = Date.now();

  return (
    <article aria-labelledby="page-title" className="flex flex-col gap-6">
      <LiveRefresh id={generation.id} status={generation.status} />
      <div className="flex flex-col gap-2">
        <Link href="/history" className="text-sm text-violet-700 underline dark:text-violet-300">
          ← History
        </Link>
        <div className="flex flex-wrap items-center gap-2">
          <h1 id="page-title" className="text-2xl font-semibold">
            Generation
          </h1>
          <StatusBadge status={generation.status} refundedCredits={generation.refundedCredits} />
          {generation.source === "DEMO" && <DemoBadge />}
        </div>
        <p className="max-w-3xl whitespace-pre-wrap text-lg" data-testid="generation-prompt">
          {titleOf(generation)}
        </p>
      </div>

      {generation.errorMessage && (
        <p
          role={generation.status === "FAILED" ? "alert" : undefined}
          className="max-w-3xl rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
        >
          {generation.errorMessage}
          {generation.refundedCredits > 0 && ` ${generation.refundedCredits} credits were refunded.`}
        </p>
      )}

      <DetailActions
        id={generation.id}
        prompt={generation.prompt}
        favorite={generation.favorite}
        canRerun={(seed !== null || model?.seed === false) && !inFlight}
        canReuse={reusable}
        canDelete={!inFlight}
      />

      {generation.images.length > 0 ? (
        <ul
          aria-label="Images"
          className={`grid gap-4 ${generation.images.length > 1 ? "md:grid-cols-2" : "max-w-3xl"}`}
        >
          {generation.images.map((image) => (
            <li key={image.id}>
              <figure className="flex flex-col gap-2">
                {/* biome-ignore lint/performance/noImgElement: served by our own owner-checked route */}
                <img
                  src={`/api/images/${image.id}`}
                  alt={`${titleOf(generation)} (${image.index + 1} of ${generation.images.length})`}
                  width={image.width}
                  height={image.height}
                  decoding="async"
                  style={image.placeholder ? { backgroundImage: `url("${image.placeholder}")` } : undefined}
                  className="h-auto w-full rounded-xl bg-stone-200 bg-cover bg-center dark:bg-stone-800"
                />
                <figcaption className="flex flex-wrap items-center justify-between gap-2 text-sm text-stone-600 dark:text-stone-400">
                  <span>
                    {image.width}×{image.height} · {FORMATS[image.contentType] ?? image.contentType} ·{" "}
                    {formatBytes(image.bytes)}
                  </span>
                  <span className="flex flex-wrap items-start gap-3">
                    <a href={`/api/images/${image.id}`} target="_blank" rel="noreferrer" className="underline">
                      Open full size<span className="sr-only"> (image {image.index + 1})</span>
                    </a>
                    <a href={`/api/images/${image.id}?download=1`} download className="underline">
                      Download original<span className="sr-only"> (image {image.index + 1})</span>
                    </a>
                    <UseAsReferenceButton
                      imageId={image.id}
                      detail={`image ${image.index + 1}`}
                      className="underline disabled:opacity-60"
                    />
                    <UpscaleImage imageId={image.id} detail={`image ${image.index + 1}`} />
                  </span>
                </figcaption>
              </figure>
            </li>
          ))}
        </ul>
      ) : (
        <p className="rounded-xl border border-dashed border-stone-300 p-8 text-center text-stone-600 dark:border-stone-700 dark:text-stone-400">
          {inFlight ? "The images appear here as soon as they are ready." : "This generation has no images."}
        </p>
      )}

      <MadeFrom items={sources} />
      <UsedIn items={uses} />

      <section aria-labelledby="params-title" className="flex flex-col gap-2">
        <h2 id="params-title" className="text-lg font-semibold">
          Details
        </h2>
        <dl className="divide-y divide-stone-200 dark:divide-stone-800">
          <Row term="Model">{model?.label ?? generation.model}</Row>
          <Row term="Image source">
            {generation.source === "DEMO" ? "Demo (local, no charge by the provider)" : "AI/ML API"}
          </Row>
          <Row term="Size">
            {preset ? preset.label : "Custom"} · {generation.width}×{generation.height} · {generation.aspect}
          </Row>
          <Row term="Images">
            {generation.status === "COMPLETED" && generation.images.length < generation.numImages
              ? GENERATION_MESSAGES.partialDelivery(generation.images.length, generation.numImages)
              : `${generation.images.length} of ${generation.numImages} received`}
          </Row>
          {generation.referenceIds.length > 0 && <Row term="Reference images">{generation.referenceIds.length}</Row>}
          {model?.upscaleScale && generation.upscaleScale !== null && (
            <Row term="Detail added">
              {generation.upscaleScale} of {model.upscaleScale.max}
            </Row>
          )}
          {(model?.seed ?? true) && (
            <>
              <Row term="Seed requested">{generation.seedRequested ?? "Random"}</Row>
              <Row term="Seed used">{generation.seedUsed?.toString() ?? "Not reported"}</Row>
            </>
          )}
          {(model?.safetyChecker ?? true) && (
            <Row term="Safety checker">{generation.enableSafetyChecker ? "On" : "Off"}</Row>
          )}
          <Row term="Tokens used">{generation.tokensUsed?.toLocaleString("en") ?? "Not reported"}</Row>
          <Row term="Credits">
            {generation.costCredits} reserved · {generation.chargedCredits} charged · {generation.refundedCredits}{" "}
            refunded
          </Row>
          <Row term="Submitted">{formatDateTime(createdAt)}</Row>
          {startedAt && (
            <Row term="Started">
              {formatDateTime(startedAt)} (waited {formatDuration(startedAt.getTime() - createdAt.getTime())})
            </Row>
          )}
          {completedAt && (
            <Row term="Finished">
              {formatDateTime(completedAt)} (total {formatDuration(completedAt.getTime() - createdAt.getTime())})
            </Row>
          )}
          {generation.upstreamMs !== null && (
            <Row term="Image service time">{formatDuration(generation.upstreamMs)}</Row>
          )}
          <Row term="Image service calls">{generation.providerCalls}</Row>
          {generation.errorCode && <Row term="Error code">{generation.errorCode}</Row>}
          {generation.providerRequestId && <Row term="Provider request id">{generation.providerRequestId}</Row>}
        </dl>
      </section>

      {generation.status === "COMPLETED" && generation.images.length > 0 && (
        <SharePanel generationId={generation.id} links={links} now={now} />
      )}
    </article>
  );
}
