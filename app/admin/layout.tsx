import type { Metadata } from "next";
import Link from "next/link";
import { type NavLink, NavLinks } from "@/components/shell/nav-links";
import { requireAdmin } from "@/lib/admin/access";

export const metadata: Metadata = { title: { template: "%s · Admin · Atelier", default: "Admin" }, robots: "noindex" };
export const dynamic = "force-dynamic";

const LINKS: NavLink[] = [
  { href: "/admin", label: "Overview", exact: true },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/generations", label: "Failed generations" },
  { href: "/admin/ledger", label: "Ledger check" },
  { href: "/admin/audit", label: "Audit log" },
];

// Each page checks the role again itself: a layout is not re-run on every navigation.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdmin();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-stone-200 bg-white/80 backdrop-blur dark:border-stone-800 dark:bg-stone-900/80">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-4">
            <Link href="/admin" className="text-lg font-semibold tracking-tight">
              Atelier admin
            </Link>
            <NavLinks label="Admin" links={LINKS} />
          </div>
          <div className="flex items-center gap-3 text-sm">
            <span className="text-stone-600 dark:text-stone-400" data-testid="admin-email">
              {admin.email}
            </span>
            <Link href="/studio" className="underline">
              Back to the studio
            </Link>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
