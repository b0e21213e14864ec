import type { Metadata } from "next";
import Link from "next/link";
import { AppShell } from "@/components/shell/app-shell";
import type { NavLink } from "@/components/shell/nav-links";
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
    <AppShell
      home="/admin"
      name="Atelier admin"
      navLabel="Admin"
      links={LINKS}
      account={
        <>
          <span className="text-stone-600 dark:text-stone-400" data-testid="admin-email">
            {admin.email}
          </span>
          <Link href="/studio" className="underline">
            Back to the studio
          </Link>
        </>
      }
    >
      {children}
    </AppShell>
  );
}
