import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
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
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{q ? `Accounts whose email contains “${q}”` : "Newest accounts"}</caption>
          <thead className="border-b border-stone-200 text-stone-600 dark:border-stone-800 dark:text-stone-400">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                Email
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Balance
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                State
              </th>
              <th scope="col" className="py-2 font-medium">
                Signed up (UTC)
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-stone-100 dark:border-stone-800/60">
                <td className="py-2 pr-3">
                  <Link href={`/admin/users/${u.id}`} className="text-violet-700 underline dark:text-violet-400">
                    {u.email ?? `(no email) ${u.id}`}
                  </Link>
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{u.creditBalance}</td>
                <td className="py-2 pr-3">
                  {[u.frozen ? "Frozen" : null, u.spendingLocked ? "Dispute lock" : null].filter(Boolean).join(", ") ||
                    "Active"}
                </td>
                <td className="py-2">{when.format(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
