"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type NavLink = {
  href: string;
  label: string;
  /** Current on every page under this path (default: under `href`), e.g. "/settings" for one settings page. */
  section?: string;
  /** Current on `href` alone, not on the pages under it (an area's own start page). */
  exact?: boolean;
};

/** A header's navigation: the link of the page being shown is marked current (aria-current="page"). */
export function NavLinks({ label, links }: { label: string; links: NavLink[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap gap-1">
        {links.map((link) => {
          const current =
            pathname === link.href || (!link.exact && pathname.startsWith(`${link.section ?? link.href}/`));
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={`rounded-lg px-3 py-2 text-sm font-medium ${current ? "bg-stone-200 dark:bg-stone-800" : "hover:bg-stone-200/60 dark:hover:bg-stone-800/60"}`}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
