import type { Metadata } from "next";
import { getAccountSummary } from "@/lib/account";
import { requireUser } from "@/lib/auth/require-user";
import { safetyCheckerPolicy } from "@/lib/env";
import { generationSettings, recentGenerations } from "@/lib/generations/queries";
import { modelChoice, pickerModels } from "@/lib/models";
import { defaultSourceKind } from "@/lib/upstream/source";
import { Studio } from "./_components/studio";

export const metadata: Metadata = { title: "Studio" };

export default async function StudioPage({ searchParams }: { searchParams: Promise<{ reuse?: string | string[] }> }) {
  const user = await requireUser();
  const { reuse } = await searchParams;
  const reuseId = typeof reuse === "string" ? reuse : undefined;
  const [account, generations, reused] = await Promise.all([
    getAccountSummary({ userId: user.id }),
    recentGenerations({ userId: user.id }),
    reuseId ? generationSettings({ userId: user.id, generationId: reuseId }) : Promise.resolve(null),
  ]);
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-6">
      <h1 id="page-title" className="sr-only">
        Studio
      </h1>
      <Studio
        key={reuseId ?? "new"}
        models={pickerModels().map(modelChoice)}
        demo={defaultSourceKind() === "DEMO"}
        safetyChoice={safetyCheckerPolicy() === "user-choice"}
        balance={account.creditBalance}
        spendingLocked={account.spendingLocked}
        initialGenerations={generations}
        initialSettings={reused}
        serverNow={Date.now()}
      />
    </section>
  );
}
