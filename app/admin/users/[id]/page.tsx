import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MovementPager, movementColumns } from "@/components/billing/movements";
import { DataTable } from "@/components/ui/data-table";
import { requireAdmin } from "@/lib/admin/access";
import { auditLabel, listAudit } from "@/lib/admin/audit";
import { getUserForAdmin } from "@/lib/admin/users";
import { listMovements } from "@/lib/billing/queries";
import { single, when } from "../../_components/format";
import { CreditForm, FreezeForm, SignOutForm } from "../../_components/user-forms";

export const metadata: Metadata = { title: "User" };
export const dynamic = "force-dynamic";

export default async function AdminUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const { id } = await params;
  const raw = await searchParams;
  const user = await getUserForAdmin({ userId: id });
  if (!user) notFound();
  const [ledger, audit] = await Promise.all([
    listMovements({ userId: user.id, before: single(raw.before), after: single(raw.after), limit: 100 }),
    listAudit({ targetUserId: user.id, limit: 20 }),
  ]);

  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="user-title" className="flex flex-col gap-2">
        <h1 id="user-title" className="text-2xl font-semibold">
          {user.email ?? "(no email)"}
        </h1>
        <dl className="grid max-w-xl grid-cols-2 gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-600 dark:text-stone-400">Balance</dt>
          <dd>
            <strong className="tabular-nums" data-testid="admin-user-balance">
              {user.creditBalance}
            </strong>{" "}
            credits
          </dd>
          <dt className="text-stone-600 dark:text-stone-400">Generating and buying</dt>
          <dd data-testid="admin-user-state">
            {user.frozen ? "Frozen by an admin" : "Allowed"}
            {user.spendingLocked ? " (spending locked: open card dispute)" : ""}
          </dd>
          <dt className="text-stone-600 dark:text-stone-400">Active sessions</dt>
          <dd data-testid="admin-user-sessions">{user.sessions}</dd>
          <dt className="text-stone-600 dark:text-stone-400">Generations</dt>
          <dd>{user.generations}</dd>
          <dt className="text-stone-600 dark:text-stone-400">Signed up</dt>
          <dd>{when.format(user.createdAt)} UTC</dd>
          <dt className="text-stone-600 dark:text-stone-400">Account id</dt>
          <dd className="font-mono text-xs">{user.id}</dd>
        </dl>
      </section>

      <div className="grid gap-6 md:grid-cols-3">
        <section aria-labelledby="credits-title" className="flex flex-col gap-2">
          <h2 id="credits-title" className="text-lg font-semibold">
            Grant or adjust credits
          </h2>
          {user.email ? (
            <CreditForm userId={user.id} formKey={randomUUID()} />
          ) : (
            <p className="text-sm">Credits are changed by email, and this account has none.</p>
          )}
        </section>
        <section aria-labelledby="freeze-title" className="flex flex-col gap-2">
          <h2 id="freeze-title" className="text-lg font-semibold">
            {user.frozen ? "Unfreeze" : "Freeze"}
          </h2>
          <FreezeForm userId={user.id} frozen={user.frozen} />
        </section>
        <section aria-labelledby="signout-title" className="flex flex-col gap-2">
          <h2 id="signout-title" className="text-lg font-semibold">
            Sessions
          </h2>
          <SignOutForm userId={user.id} />
        </section>
      </div>

      <section aria-labelledby="ledger-title" className="flex flex-col gap-2">
        <h2 id="ledger-title" className="text-xl font-semibold">
          Ledger
        </h2>
        {ledger.rows.length === 0 ? (
          <p>No credit movements.</p>
        ) : (
          <DataTable
            caption="Ledger, newest first"
            rows={ledger.rows}
            rowKey={(m) => m.id}
            columns={[
              { header: "When (UTC)", className: "whitespace-nowrap", cell: (m) => when.format(m.createdAt) },
              ...movementColumns,
              { header: "Reason", cell: (m) => m.reason },
            ]}
          />
        )}
        <MovementPager label="Ledger pages" page={ledger} path={`/admin/users/${user.id}`} hash="ledger-title" />
      </section>

      <section aria-labelledby="user-audit-title" className="flex flex-col gap-2">
        <h2 id="user-audit-title" className="text-xl font-semibold">
          Admin actions on this account
        </h2>
        {audit.rows.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {audit.rows.map((a) => (
              <li key={a.id}>
                {when.format(a.createdAt)} UTC — {auditLabel(a.action)} by {a.actorEmail}
                {a.reason ? `: ${a.reason}` : ""}
              </li>
            ))}
          </ul>
        )}
        <Link href="/admin/audit" className="text-sm underline">
          The whole audit log
        </Link>
      </section>
    </div>
  );
}
