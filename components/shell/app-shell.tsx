import Link from "next/link";
import type { ReactNode } from "react";
import { type NavLink, NavLinks } from "./nav-links";

/** A signed-in area's page frame (the studio's, the admin's): header with its name and navigation, then the page. */
export function AppShell({
  home,
  name,
  navLabel,
  links,
  account,
  children,
}: {
  /** Where the area's name links to. */
  home: string;
  name: string;
  navLabel: string;
  links: NavLink[];
  /** The header's right-hand side: who is signed in and what they can do about it. */
  account: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-stone-200 bg-white/80 backdrop-blur dark:border-stone-800 dark:bg-stone-900/80">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-4">
            <Link href={home} className="text-lg font-semibold tracking-tight">
              {name}
            </Link>
            <NavLinks label={navLabel} links={links} />
          </div>
          <div className="flex items-center gap-3 text-sm">{account}</div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
