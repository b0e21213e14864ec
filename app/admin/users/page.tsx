import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { requireAdmin } from "@/lib/admin/access";
import { searchUsers } from "@/lib/admin/users";
import { single, when } from "../_components/format";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function AdminUsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const q = (single((await searchParams).q) ?? "").slice(0, 200);
  const users = await searchUsers({ query: q });
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Users</h1>
      <search>
        <form action="/admin/users" className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col gap-1 text-sm">
            Email contains
            <input
              type="search"
              name="q"
              defaultValue={q}
              className="w-72 rounded-lg border border-stone-300 px-3 py-2 dark:border-stone-700 dark:bg-stone-900"
            />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            Search
          </button>
        </form>
      </search>
      {users.length === 0 ? (
        <p>No accounts match.</p>
      ) : (
        <DataTable
          caption={q ? `Accounts whose email contains “${q}”` : "Newest accounts"}
          rows={users}
          rowKey={(u) => u.id}
          columns={[
            {
              header: "Email",
              cell: (u) => (
                <Link href={`/admin/users/${u.id}`} className="text-violet-700 underline dark:text-violet-400">
                  {u.email ?? `(no email) ${u.id}`}
                </Link>
              ),
            },
            { header: "Balance", numeric: true, cell: (u) => u.creditBalance },
            {
              header: "State",
              cell: (u) =>
                [u.frozen ? "Frozen" : null, u.spendingLocked ? "Dispute lock" : null].filter(Boolean).join(", ") ||
                "Active",
            },
            { header: "Signed up (UTC)", cell: (u) => when.format(u.createdAt) },
          ]}
        />
      )}
    </div>
  );
}
