import Link from "next/link";
import { type NavLink, NavLinks } from "@/components/shell/nav-links";
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
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-stone-200 bg-white/80 backdrop-blur dark:border-stone-800 dark:bg-stone-900/80">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-4">
            <Link href="/studio" className="text-lg font-semibold tracking-tight">
              Atelier
            </Link>
            <NavLinks label="Main" links={LINKS} />
          </div>
          <div className="flex items-center gap-3 text-sm">
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
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
