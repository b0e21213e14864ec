"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/generations", label: "Failed generations" },
  { href: "/admin/ledger", label: "Ledger check" },
  { href: "/admin/audit", label: "Audit log" },
];

export function AdminNav() {
  const pathname = usePathname();
  return (
    <ul className="flex flex-wrap gap-1">
      {LINKS.map((link) => {
        const current = link.href === "/admin" ? pathname === "/admin" : pathname.startsWith(link.href);
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
  );
}
