import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { requireAdmin } from "@/lib/admin/access";
import { auditLabel, listAudit } from "@/lib/admin/audit";
import { single, when } from "../_components/format";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

function detailsText(details: unknown): string {
  if (details === null || typeof details !== "object") return "";
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
}

export default async function AdminAuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const before = single((await searchParams).before)?.slice(0, 200);
  const page = await listAudit({ before });
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-stone-600 dark:text-stone-400">
        Every action taken in the admin area. Entries cannot be changed or removed (the database refuses it).
      </p>
      {page.rows.length === 0 ? (
        <p>No admin actions yet.</p>
      ) : (
        <DataTable
          caption="Admin actions, newest first"
          rows={page.rows}
          rowKey={(a) => a.id}
          rowClassName={() => "align-top"}
          columns={[
            { header: "When (UTC)", className: "whitespace-nowrap", cell: (a) => when.format(a.createdAt) },
            { header: "Admin", cell: (a) => a.actorEmail },
            { header: "Action", cell: (a) => auditLabel(a.action) },
            {
              header: "Account",
              cell: (a) =>
                a.targetUserId ? (
                  <Link href={`/admin/users/${a.targetUserId}`} className="underline">
                    {a.targetEmail ?? a.targetUserId}
                  </Link>
                ) : (
                  "—"
                ),
            },
            { header: "Reason", cell: (a) => a.reason ?? "—" },
            { header: "Details", className: "text-xs", cell: (a) => detailsText(a.details) },
          ]}
        />
      )}
      {page.older ? (
        <Link href={`/admin/audit?before=${encodeURIComponent(page.older)}`} className="text-sm underline">
          Older entries
        </Link>
      ) : null}
    </div>
  );
}
