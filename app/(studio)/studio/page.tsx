import type { Metadata } from "next";
import { getAccountSummary } from "@/lib/account";
import { requireUser } from "@/lib/auth/require-user";
import { db } from "@/lib/db";
import { safetyCheckerPolicy } from "@/lib/env";
import { generationSettings, recentGenerations } from "@/lib/generations/queries";
import { recordIdSchema } from "@/lib/history/schemas";
import { findModel, modelChoice, pickerModels } from "@/lib/models";
import { referenceViews } from "@/lib/references/lineage";
import { defaultSourceKind } from "@/lib/upstream/source";
import { Studio } from "./_components/studio";

export const metadata: Metadata = { title: "Studio" };

export default async function StudioPage({
  searchParams,
}: {
  searchParams: Promise<{ reuse?: string | string[]; reference?: string | string[] }>;
}) {
  const user = await requireUser();
  const { reuse, reference } = await searchParams;
  const reuseId = typeof reuse === "string" ? reuse : undefined;
  // "Use as reference" opens the studio with ?reference=<id>; only the user's own are loaded.
  // Ids that cannot exist (a NUL byte would be a database error) are dropped before any query.
  const referenceIds = (typeof reference === "string" ? [reference] : (reference ?? []))
    .filter((id) => recordIdSchema.safeParse(id).success)
    .slice(0, 20);
  const [account, generations, reused, references] = await Promise.all([
    getAccountSummary({ userId: user.id }),
    recentGenerations({ userId: user.id }),
    reuseId ? generationSettings({ userId: user.id, generationId: reuseId }) : Promise.resolve(null),
    referenceViews(db(), { userId: user.id, ids: referenceIds }),
  ]);
  // Only settings the form can hold: an upscale's model is not in the picker.
  const preset = reused && findModel(reused.model)?.inPicker ? reused : null;
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-6">
      <h1 id="page-title" className="sr-only">
        Studio
      </h1>
      <Studio
        key={`${reuseId ?? "new"}:${referenceIds.join(",")}`}
        models={pickerModels().map(modelChoice)}
        demo={defaultSourceKind() === "DEMO"}
        safetyChoice={safetyCheckerPolicy() === "user-choice"}
        balance={account.creditBalance}
        spendingLocked={account.spendingLocked}
        initialGenerations={generations}
        initialSettings={preset}
        initialReferences={references}
        serverNow={Date.now()}
      />
    </section>
  );
}
