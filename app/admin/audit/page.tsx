import type { Metadata } from "next";
import Link from "next/link";
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
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Admin actions, newest first</caption>
            <thead className="border-b border-stone-200 text-stone-600 dark:border-stone-800 dark:text-stone-400">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  When (UTC)
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Admin
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Action
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Account
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Reason
                </th>
                <th scope="col" className="py-2 font-medium">
                  Details
                </th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((a) => (
                <tr key={a.id} className="border-b border-stone-100 align-top dark:border-stone-800/60">
                  <td className="py-2 pr-3 whitespace-nowrap">{when.format(a.createdAt)}</td>
                  <td className="py-2 pr-3">{a.actorEmail}</td>
                  <td className="py-2 pr-3">{auditLabel(a.action)}</td>
                  <td className="py-2 pr-3">
                    {a.targetUserId ? (
                      <Link href={`/admin/users/${a.targetUserId}`} className="underline">
                        {a.targetEmail ?? a.targetUserId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="py-2 pr-3">{a.reason ?? "—"}</td>
                  <td className="py-2 text-xs">{detailsText(a.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.older ? (
        <Link href={`/admin/audit?before=${encodeURIComponent(page.older)}`} className="text-sm underline">
          Older entries
        </Link>
      ) : null}
    </div>
  );
}
