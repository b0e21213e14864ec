import Link from "next/link";
import { AppShell } from "@/components/shell/app-shell";
import type { NavLink } from "@/components/shell/nav-links";
import { buttonClass } from "@/components/ui/button";
import { getAccountSummary } from "@/lib/account";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

const LINKS: NavLink[] = [
  { href: "/studio", label: "Studio" },
  { href: "/history", label: "History" },
  { href: "/billing", label: "Billing" },
  { href: "/settings/api-keys", label: "Settings", section: "/settings" },
];

export default async function StudioLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const account = await getAccountSummary({ userId: user.id });
  return (
    <AppShell
      home="/studio"
      name="Atelier"
      navLabel="Main"
      links={LINKS}
      account={
        <>
          <Link
            href="/billing"
            className="rounded-lg px-2 py-1 hover:bg-stone-200/60 dark:hover:bg-stone-800"
            data-testid="balance"
          >
            <span className="sr-only">Credit balance: </span>
            <span className="font-semibold tabular-nums">{account.creditBalance}</span> credits
          </Link>
          <span className="hidden text-stone-600 sm:inline dark:text-stone-400" data-testid="user-email">
            {account.email}
          </span>
          <form method="post" action="/signout">
            <button type="submit" className={buttonClass("ghost", "px-3 py-1")}>
              Sign out
            </button>
          </form>
        </>
      }
    >
      {children}
    </AppShell>
  );
}
