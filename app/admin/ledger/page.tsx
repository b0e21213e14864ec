import type { Metadata } from "next";
import { requireAdmin } from "@/lib/admin/access";
import { LedgerCheckForm } from "../_components/user-forms";

export const metadata: Metadata = { title: "Ledger check" };
export const dynamic = "force-dynamic";

export default async function AdminLedgerPage() {
  await requireAdmin();
  return (
    <div className="flex max-w-2xl flex-col gap-4">
      <h1 className="text-2xl font-semibold">Ledger check</h1>
      <p className="text-stone-600 dark:text-stone-400">
        Verifies that every account&apos;s balance equals the sum of its ledger movements — the same check as{" "}
        <code>npm run ledger:check</code>. Nothing is changed.
      </p>
      <LedgerCheckForm />
    </div>
  );
}
